package dev.fathom.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PipelineSettingsTest {

  @Test
  void readsDocumentedDefaultsFromReferenceConf() {
    var settings = PipelineSettings.fromConfig(ConfigFactory.load());
    assertEquals(new PipelineSettings(4, 4, 4, Duration.ofSeconds(30)), settings);
  }

  @Test
  void blockingDispatcherIsAFixedThreadPool() {
    var dispatcher = ConfigFactory.load().getConfig(FathomPipeline.BLOCKING_DISPATCHER);
    assertEquals("thread-pool-executor", dispatcher.getString("executor"));
    assertEquals(16, dispatcher.getInt("thread-pool-executor.fixed-pool-size"));
  }

  @Test
  void rejectsParallelismOutOfRangeNamingSettingAndValue() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PipelineSettings(4, 0, 4, Duration.ofSeconds(1)));
    assertTrue(e.getMessage().startsWith("compressorParallelism must be in 1..1024, got 0"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new PipelineSettings(4, 4, 1025, Duration.ofSeconds(1)));
  }

  @Test
  void rejectsTimeoutOutOfRange() {
    assertThrows(
        IllegalArgumentException.class, () -> new PipelineSettings(1, 1, 1, Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class, () -> new PipelineSettings(1, 1, 1, Duration.ofHours(2)));
  }
}
