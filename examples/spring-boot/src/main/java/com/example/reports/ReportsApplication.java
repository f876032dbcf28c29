package com.example.reports;

import org.springframework.boot.SpringApplication;
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
 * The application: a reports API for tenants. Nothing here mentions tenantflags; the starter reads
 * application.properties and gates /api/reports/export per tenant, mounts the admin API and console
 * under /flags-admin, and adds the health indicator.
 */
@SpringBootApplication
public class ReportsApplication {

  public static void main(String[] args) {
    SpringApplication.run(ReportsApplication.class, args);
  }

  /** The application's own security: HTTP Basic users (demo only: use your real identity provider). */
  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(
            a ->
                a.requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .httpBasic(Customizer.withDefaults())
        // The admin API refuses cross-site writes itself (Origin / Sec-Fetch-Site checks).
        .csrf(c -> c.ignoringRequestMatchers("/flags-admin/api/**"));
    return http.build();
  }

  /** Tenants log in with their tenant id as user name; operators carry a FLAGS_* role. */
  @Bean
  InMemoryUserDetailsManager users() {
    return new InMemoryUserDetailsManager(
        User.withUsername("acme").password("{noop}acme-secret").roles("TENANT").build(),
        User.withUsername("globex").password("{noop}globex-secret").roles("TENANT").build(),
        User.withUsername("ops").password("{noop}ops-secret").roles("FLAGS_ADMIN").build());
  }

  @RestController
  static class Reports {
    @GetMapping("/api/reports")
    String reports() {
      return "monthly reports";
    }

    @GetMapping("/api/reports/export")
    String export() {
      return "export.csv";
    }
  }
}
