package dev.tenantflags.spring;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small Spring Boot application for the starter's tests: two routes, HTTP Basic users whose names
 * are tenant ids (acme, globex) or operators (ops: FLAGS_ADMIN, viewer: FLAGS_VIEWER, bob: no flags
 * role).
 */
@SpringBootApplication
public class TestApplication {

  static final String PASSWORD = "pw";

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(
            a ->
                a.requestMatchers("/actuator/health/**", "/actuator/health")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .httpBasic(Customizer.withDefaults())
        // The admin API checks Origin / Sec-Fetch-Site itself (SPEC §6) and uses no session.
        .csrf(c -> c.ignoringRequestMatchers("/flags-admin/api/**"));
    return http.build();
  }

  @Bean
  InMemoryUserDetailsManager users() {
    return new InMemoryUserDetailsManager(
        User.withUsername("acme").password("{noop}" + PASSWORD).roles("USER").build(),
        User.withUsername("globex").password("{noop}" + PASSWORD).roles("USER").build(),
        User.withUsername("ops").password("{noop}" + PASSWORD).roles("FLAGS_ADMIN").build(),
        User.withUsername("viewer").password("{noop}" + PASSWORD).roles("FLAGS_VIEWER").build(),
        User.withUsername("bob").password("{noop}" + PASSWORD).roles("USER").build());
  }

  @RestController
  static class Routes {
    @GetMapping("/api/reports")
    String reports() {
      return "reports";
    }

    @GetMapping("/api/hello")
    String hello() {
      return "hello";
    }
  }
}
