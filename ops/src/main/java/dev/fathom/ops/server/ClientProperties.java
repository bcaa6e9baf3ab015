package dev.fathom.ops.server;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The security properties (SASL, TLS) every Kafka client of this process sets for a cluster, by its
 * bootstrap address: for the secured embedded broker, Fathom's own SCRAM credentials; for an
 * external cluster, {@code fathom.kafka.client-properties}. {@link KafkaClients} and {@link
 * TopicSetup} add them to every client they build, so no client can be built without them.
 */
final class ClientProperties {

  private static final Map<String, Map<String, String>> BY_BOOTSTRAP = new ConcurrentHashMap<>();

  private ClientProperties() {}

  /** Every client built for {@code bootstrap} from now on sets {@code props}. */
  static void register(String bootstrap, Map<String, String> props) {
    BY_BOOTSTRAP.put(bootstrap, Map.copyOf(props));
  }

  /** Forgets {@code bootstrap} (its broker stopped). */
  static void unregister(String bootstrap) {
    BY_BOOTSTRAP.remove(bootstrap);
  }

  /** Adds the registered properties of {@code bootstrap}, if any, to {@code p}. */
  static Properties addTo(String bootstrap, Properties p) {
    p.putAll(BY_BOOTSTRAP.getOrDefault(bootstrap, Map.of()));
    return p;
  }
}
