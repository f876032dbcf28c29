package dev.tenantflags.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Compiles every {@code ```java} block of README.md and docs/*.md against this module's test
 * classpath (flags-core, flags-jdbc, flags-servlet, Jetty, the Servlet API), so the docs cannot
 * rot.
 *
 * <p>The convention (CONTRIBUTING.md, "Docs"): a block that declares a type is compiled as a file;
 * any other block is a fragment, compiled as the body of a method in a class that imports the usual
 * packages and declares the usual names ({@code flags}, {@code store}, {@code servletContext},
 * {@code context}, {@code request}, {@code filter}, {@code hikariDataSource}); its own {@code
 * import} lines are hoisted. {@code { ... }} stands for elided code. A block whose info string is
 * {@code java no-compile} is skipped (use it for Spring configuration and other code that needs
 * libraries this module does not have).
 */
final class DocsSnippetsCompileTest {

  private static final Pattern BLOCK =
      Pattern.compile(
          "^([ \\t]*)```java([^\\n]*)\\n(.*?)^\\1```", Pattern.DOTALL | Pattern.MULTILINE);
  private static final Pattern TYPE =
      Pattern.compile(
          "^(?:@\\w+(?:\\([^)]*\\))?\\s+)*(?:public\\s+|final\\s+|abstract\\s+)*"
              + "(?:class|record|interface|enum)\\s+(\\w+)",
          Pattern.MULTILINE);
  private static final Pattern IMPORT = Pattern.compile("^import\\s+[\\w.*]+\\s*;\\s*$");

  private static final String IMPORTS =
      String.join(
          "\n",
          "import dev.tenantflags.*;",
          "import dev.tenantflags.spi.*;",
          "import dev.tenantflags.jdbc.*;",
          "import dev.tenantflags.servlet.*;",
          "import dev.tenantflags.remote.*;",
          "import java.net.URI;",
          "import jakarta.servlet.*;",
          "import jakarta.servlet.http.HttpServletRequest;",
          "import java.nio.file.Path;",
          "import java.time.Duration;",
          "import java.time.Instant;",
          "import java.util.*;",
          "import javax.sql.DataSource;",
          "import org.eclipse.jetty.ee10.servlet.FilterHolder;",
          "import org.eclipse.jetty.ee10.servlet.ServletContextHandler;",
          "import org.eclipse.jetty.ee10.servlet.ServletHolder;",
          "");

  /** The names a fragment may use without declaring them; a local of the same name shadows one. */
  private static final String GIVEN =
      String.join(
          "\n",
          "  FeatureFlags flags;",
          "  FlagStore store;",
          "  ServletContext servletContext;",
          "  ServletContextHandler context;",
          "  HttpServletRequest request;",
          "  FeatureFlagFilter filter;",
          "  DataSource hikariDataSource;",
          "  /** An application's own API key type, as the servlet docs assume. */",
          "  interface ApiKey { String id(); String plan(); }",
          "");

  record Snippet(String source, int line, String info, String code) {}

  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("README.md"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("repository root above %s", Path.of("").toAbsolutePath()).isNotNull();
    return dir;
  }

  static List<Snippet> snippets(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<Snippet> out = new ArrayList<>();
    for (Path file : files) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      Matcher m = BLOCK.matcher(text);
      while (m.find()) {
        int line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
        out.add(
            new Snippet(
                root.relativize(file).toString(),
                line,
                m.group(2).trim().toLowerCase(Locale.ROOT),
                dedent(m.group(3), m.group(1).length())));
      }
    }
    return out;
  }

  private static String dedent(String code, int indent) {
    StringBuilder out = new StringBuilder();
    for (String line : code.split("\n", -1)) {
      int cut = 0;
      while (cut < indent && cut < line.length() && Character.isWhitespace(line.charAt(cut))) {
        cut++;
      }
      out.append(line.substring(cut)).append('\n');
    }
    return out.toString();
  }

  /** Turns a snippet into a compilation unit: a file as written, or a fragment in a method. */
  static JavaFileObject unit(Snippet s, int index) {
    StringBuilder imports = new StringBuilder(IMPORTS);
    StringBuilder body = new StringBuilder();
    for (String line : s.code().split("\n", -1)) {
      if (IMPORT.matcher(line).matches()) {
        imports.append(line).append('\n');
      } else {
        body.append(line).append('\n');
      }
    }
    String code =
        body.toString().replace("{ ... }", "{ throw new UnsupportedOperationException(); }");
    Matcher type = TYPE.matcher(code);
    String name;
    String source;
    if (type.find()) {
      name = type.group(1);
      source = imports + code;
    } else {
      name = "Snippet" + index;
      source =
          imports
              + "@SuppressWarnings(\"unused\")\nclass "
              + name
              + " {\n"
              + GIVEN
              + "  void snippet() throws Exception {\n"
              + code
              + "  }\n}\n";
    }
    return new SimpleJavaFileObject(
        URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }

      @Override
      public String toString() {
        return s.source() + ":" + s.line();
      }
    };
  }

  @Test
  void javaBlocks_inReadmeAndDocs_compile() throws IOException {
    List<Snippet> snippets = snippets(root());
    assertThat(snippets).as("```java blocks found").hasSizeGreaterThan(10);
    List<JavaFileObject> units = new ArrayList<>();
    for (Snippet s : snippets) {
      if (!s.info().contains("no-compile")) {
        units.add(unit(s, units.size()));
      }
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Path out = Files.createTempDirectory("docs-snippets");
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> options =
        List.of("--release", "17", "-proc:none", "-classpath", classpath, "-d", out.toString());
    boolean ok;
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
      ok = javac.getTask(null, files, diagnostics, options, null, units).call();
    } finally {
      try (Stream<Path> walk = Files.walk(out)) {
        walk.sorted((a, b) -> b.compareTo(a)).map(Path::toFile).forEach(File::delete);
      }
    }
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        errors.add(d.getSource() + " (unit line " + d.getLineNumber() + "): " + d.getMessage(null));
      }
    }
    assertThat(errors).as("compile errors in doc snippets").isEmpty();
    assertThat(ok).isTrue();
  }

  @Test
  void unit_fragmentAndTypeAndNoCompile_areTreatedByTheConvention() throws IOException {
    Snippet fragment =
        new Snippet("x.md", 1, "", "import java.util.List;\nList<String> l = List.of();\n");
    String fragmentSource = unit(fragment, 7).getCharContent(true).toString();
    assertThat(fragmentSource)
        .contains(
            "class Snippet7", "void snippet()", "import java.util.List;", "FeatureFlags flags;");
    Snippet type = new Snippet("x.md", 1, "", "final class Mine { void m() { ... } }\n");
    JavaFileObject typeUnit = unit(type, 8);
    assertThat(typeUnit.toUri().toString()).endsWith("/Mine.java");
    assertThat(typeUnit.getCharContent(true).toString())
        .contains("throw new UnsupportedOperationException();")
        .doesNotContain("void snippet()");
    assertThat(snippets(root())).anySatisfy(s -> assertThat(s.info()).isEqualTo("no-compile"));
  }
}
