package dev.fathom.ops.cli;

import dev.fathom.retrieval.embed.EmbeddingException;
import dev.fathom.retrieval.index.IndexUnavailableException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Turns failures into one line on stderr and a non-zero exit code: users see what went wrong and
 * what to do, not a stack trace. The stack trace goes to the log at DEBUG (FATHOM_LOG_LEVEL=DEBUG).
 */
public final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

  /** A failure the user can fix; its message is the whole story. */
  public static final class UserError extends RuntimeException {
    public UserError(String message) {
      super(message);
    }
  }

  @Override
  public int handleExecutionException(
      Exception e, CommandLine cli, CommandLine.ParseResult parseResult) {
    log.debug("command failed", e);
    String message =
        switch (e) {
          case UserError u -> u.getMessage();
          case IllegalArgumentException iae -> iae.getMessage();
          case IndexUnavailableException iu -> iu.getMessage();
          case EmbeddingException ee -> ee.getMessage();
          case UncheckedIOException io -> io.getMessage() + ": " + io.getCause().getMessage();
          case UnsupportedOperationException uo -> uo.getMessage();
          default ->
              EnvironmentChecks.describe(e)
                  .orElse(
                      "internal error: "
                          + e.getClass().getName()
                          + ": "
                          + e.getMessage()
                          + " (run with FATHOM_LOG_LEVEL=DEBUG for the stack trace)");
        };
    cli.getErr().println("fathom: " + message);
    return 1;
  }
}
