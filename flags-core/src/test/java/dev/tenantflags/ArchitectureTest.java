package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Layering rules, checked on the main sources (no extra library): flags-core depends on the JDK,
 * slf4j-api and Caffeine only (SPEC §1), and the SPI knows nothing of the client that uses it.
 */
final class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java");
  private static final List<String> ALLOWED_ROOTS =
      List.of("java.", "org.slf4j.", "com.github.benmanes.caffeine.", "dev.tenantflags.");

  /**
   * An import, or a package-qualified type in code: lower-case segments, then an upper-case name.
   */
  private static final Pattern IMPORT =
      Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)(?:\\.\\*)?\\s*;", Pattern.MULTILINE);

  private static final Pattern QUALIFIED =
      Pattern.compile("(?<![\\w.])((?:[a-z][a-z0-9_]*\\.)+)[A-Z]");

  /** File (relative to src/main/java) to its code with comments and string literals blanked out. */
  private static Map<String, String> sources() {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file :
          (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        out.put(
            MAIN.relativize(file).toString().replace('\\', '/'),
            code(Files.readString(file, StandardCharsets.UTF_8)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(out)
        .as("main sources found from %s", MAIN.toAbsolutePath())
        .containsKey("dev/tenantflags/FeatureFlags.java");
    return out;
  }

  /**
   * Blanks comments, string/char literals and text blocks so that prose cannot fake or hide a
   * dependency.
   */
  static String code(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    while (i < source.length()) {
      if (source.startsWith("//", i)) {
        while (i < source.length() && source.charAt(i) != '\n') {
          i++;
        }
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        i = end < 0 ? source.length() : end + 2;
        out.append(' ');
      } else if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        i = end < 0 ? source.length() : end + 3;
        out.append("\"\"");
      } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
        char quote = source.charAt(i++);
        while (i < source.length() && source.charAt(i) != quote) {
          i += source.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
        out.append(quote).append(quote);
      } else {
        out.append(source.charAt(i++));
      }
    }
    return out.toString();
  }

  private static List<String> references(String code) {
    List<String> refs = new ArrayList<>();
    Matcher imports = IMPORT.matcher(code);
    while (imports.find()) {
      refs.add(imports.group(1));
    }
    Matcher qualified = QUALIFIED.matcher(code);
    while (qualified.find()) {
      refs.add(qualified.group(1));
    }
    return refs;
  }

  @Test
  void coreMainClasses_dependOnlyOnJdkSlf4jCaffeineAndThemselves() {
    List<String> violations = new ArrayList<>();
    sources()
        .forEach(
            (file, code) -> {
              for (String ref : references(code)) {
                if (ALLOWED_ROOTS.stream()
                    .noneMatch(root -> (ref.endsWith(".") ? ref : ref + ".").startsWith(root))) {
                  violations.add(file + " -> " + ref);
                }
              }
            });
    assertThat(violations).isEmpty();
  }

  @Test
  void spi_doesNotDependOnTheClientOrAdmin() {
    List<String> violations = new ArrayList<>();
    Pattern client =
        Pattern.compile(
            "\\b(FeatureFlags|FlagAdmin|FeatureFlagsListener|InMemoryFlagStore|Evaluator|Snapshot)\\b");
    sources()
        .forEach(
            (file, code) -> {
              if (file.startsWith("dev/tenantflags/spi/")) {
                Matcher m = client.matcher(code);
                while (m.find()) {
                  violations.add(file + " -> " + m.group(1));
                }
              }
            });
    assertThat(violations).isEmpty();
  }

  @Test
  void scanner_seesThroughCommentsAndFindsQualifiedNames() {
    // The checks above are only as good as this scanner; make sure it can fail.
    String sample =
        "import javax.sql.DataSource;\n"
            + "import static org.junit.Assert.*;\n"
            + "// import com.fasterxml.Hidden;\n"
            + "/* FeatureFlags */ class X { String s = \"org.evil.Thing\";"
            + " java.util.List<com.google.common.Foo> f; }";
    String code = code(sample);
    assertThat(references(code))
        .contains("javax.sql.DataSource", "org.junit.Assert", "com.google.common.")
        .noneMatch(r -> r.contains("fasterxml") || r.contains("evil"));
    assertThat(code).doesNotContain("FeatureFlags");
  }
}
