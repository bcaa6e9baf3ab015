package dev.fathom.ops.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code fathom test}: the whole test suite (unit tests and integration tests on real parts)
 * through Maven. The {@code ./fathom} launcher runs Maven directly for this command, without
 * building the jar first; this class serves {@code java -jar fathom.jar test} from a source
 * checkout.
 */
@Command(
    name = "test",
    description = "Run the whole test suite (mvn verify) in the source checkout.")
public final class TestCommand implements Callable<Integer> {

  @Parameters(paramLabel = "MAVEN_ARG", arity = "0..*", description = "Extra Maven arguments.")
  List<String> extra = List.of();

  /** Maven options such as {@code -o} or {@code -Dtest=...}, passed on as given. */
  @Unmatched List<String> mavenOptions = List.of();

  @Override
  public Integer call() throws Exception {
    Path home = Path.of(System.getProperty("fathom.home", ".")).toAbsolutePath();
    if (!Files.isRegularFile(home.resolve("pom.xml"))) {
      throw new ErrorHandler.UserError(
          "no source checkout at " + home + " (pom.xml missing): tests run from the repository");
    }
    List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "verify"));
    cmd.addAll(mavenOptions);
    cmd.addAll(extra);
    System.err.println("Running " + String.join(" ", cmd) + " in " + home);
    Process p = new ProcessBuilder(cmd).directory(new File(home.toString())).inheritIO().start();
    return p.waitFor();
  }
}
