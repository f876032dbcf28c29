package dev.tenantflags;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public surface of flags-core is decided, not accidental (CONTRIBUTING.md, "Public surface"):
 * the test fails when a type becomes public (or stops being public) without this list and
 * CONTRIBUTING.md changing with it. Everything else in the module is package-private.
 */
final class PublicSurfaceTest {
  private static final Path MAIN = Path.of("src/main/java");

  /** The API of flags-core: the client, the values, admin and export, and the store SPI. */
  static final Set<String> API =
      Set.of(
          "dev.tenantflags.ApiToken",
          "dev.tenantflags.AuditAction",
          "dev.tenantflags.AuditEntry",
          "dev.tenantflags.AuditQuery",
          "dev.tenantflags.Bucketing",
          "dev.tenantflags.EnsureResult",
          "dev.tenantflags.Environment",
          "dev.tenantflags.Evaluation",
          "dev.tenantflags.Exposure",
          "dev.tenantflags.ExposureListener",
          "dev.tenantflags.FeatureFlags",
          "dev.tenantflags.FeatureFlagsListener",
          "dev.tenantflags.Flag",
          "dev.tenantflags.FlagAdmin",
          "dev.tenantflags.FlagConflictException",
          "dev.tenantflags.FlagExport",
          "dev.tenantflags.FlagFields",
          "dev.tenantflags.FlagNotFoundException",
          "dev.tenantflags.FlagState",
          "dev.tenantflags.FlagValidationException",
          "dev.tenantflags.InMemoryFlagStore",
          "dev.tenantflags.Reason",
          "dev.tenantflags.Scope",
          "dev.tenantflags.Status",
          "dev.tenantflags.TenantKey",
          "dev.tenantflags.TenantOverride",
          "dev.tenantflags.TokenAdmin",
          "dev.tenantflags.spi.ChangeSet",
          "dev.tenantflags.spi.FlagSet",
          "dev.tenantflags.spi.FlagStore",
          "dev.tenantflags.spi.FlagStoreException",
          "dev.tenantflags.spi.OverrideSet",
          "dev.tenantflags.spi.UnreadableRow",
          "dev.tenantflags.spi.UnreadableRowException",
          "dev.tenantflags.spi.UsageBucket");

  private static final Pattern PUBLIC_TYPE =
      Pattern.compile(
          "^public\\s+(?:(?:final|abstract|sealed|non-sealed|static)\\s+)*"
              + "(?:class|record|interface|enum|@interface)\\s+(\\w+)",
          Pattern.MULTILINE);

  static Set<String> publicTypes(Path main) throws IOException {
    Set<String> out = new TreeSet<>();
    try (Stream<Path> files = Files.walk(main)) {
      for (Path file :
          (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String code = ArchitectureTest.code(Files.readString(file, StandardCharsets.UTF_8));
        Matcher m = PUBLIC_TYPE.matcher(code);
        if (m.find()) {
          String pkg = main.relativize(file.getParent()).toString().replace('/', '.');
          out.add(pkg + "." + m.group(1));
        }
      }
    }
    return out;
  }

  @Test
  void publicTypes_areExactlyTheDecidedApi() throws IOException {
    assertThat(publicTypes(MAIN)).containsExactlyInAnyOrderElementsOf(API);
  }

  @Test
  void contributing_listsEveryPublicTypeOfCore() throws IOException {
    Path contributing = Path.of("..", "CONTRIBUTING.md");
    String text = Files.readString(contributing, StandardCharsets.UTF_8);
    List<String> missing =
        API.stream()
            .map(name -> name.substring(name.lastIndexOf('.') + 1))
            .filter(simple -> !text.contains("`" + simple + "`"))
            .toList();
    assertThat(missing).as("core API types missing from CONTRIBUTING.md").isEmpty();
  }

  @Test
  void publicTypes_scannerFindsTopLevelPublicTypesOnly() throws IOException {
    Path dir = Files.createTempDirectory("surface");
    try {
      Path pkg = Files.createDirectories(dir.resolve("a/b"));
      Files.writeString(
          pkg.resolve("Api.java"),
          "package a.b;\n"
              + "/** public class Fake */\n"
              + "public final class Api {\n"
              + "  public static final class Nested {}\n"
              + "}\n");
      Files.writeString(pkg.resolve("Hidden.java"), "package a.b;\nfinal class Hidden {}\n");
      Files.writeString(pkg.resolve("Rec.java"), "package a.b;\npublic record Rec(int x) {}\n");
      assertThat(publicTypes(dir)).containsExactly("a.b.Api", "a.b.Rec");
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
      }
    }
  }
}
