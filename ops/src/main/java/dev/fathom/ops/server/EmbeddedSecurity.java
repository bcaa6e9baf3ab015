package dev.fathom.ops.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Authentication and authorization of the secured embedded broker (issue 10, finding 3: without
 * them any local process could produce questions and documents, read every answer, and fence the
 * server with its transactional id).
 *
 * <ul>
 *   <li><b>Authentication.</b> The client listener requires SASL: SCRAM-SHA-512 (credentials kept
 *       by the broker in its metadata, set here at every start) for clients and Fathom; PLAIN, with
 *       Fathom's password from the JAAS configuration, for the broker's own connections and the
 *       controller listener, which must authenticate before the metadata holding SCRAM credentials
 *       is loaded.
 *   <li><b>Authorization.</b> {@code StandardAuthorizer} (KRaft), {@code User:fathom} the only
 *       super user, nothing allowed without an ACL. The client principal may write questions and
 *       documents; read answers, answer pieces and dead letters; and use consumer groups whose
 *       names start with {@code fathom-client-}. It may not write answers, use Fathom's
 *       transactional ids or groups, or create topics.
 * </ul>
 */
final class EmbeddedSecurity {

  /** Consumer groups the client principal may use. */
  static final String CLIENT_GROUP_PREFIX = "fathom-client-";

  private static final int SCRAM_ITERATIONS = 8192;

  private EmbeddedSecurity() {}

  /** Turns the broker properties {@code p} into a secured broker's. */
  static void secure(Properties p, EmbeddedCredentials c) {
    String client = p.getProperty("listeners").replace("PLAINTEXT://", "SASL_PLAINTEXT://");
    p.put("listeners", client);
    p.put(
        "advertised.listeners",
        p.getProperty("advertised.listeners").replace("PLAINTEXT://", "SASL_PLAINTEXT://"));
    p.put("inter.broker.listener.name", "SASL_PLAINTEXT");
    p.put(
        "listener.security.protocol.map",
        "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
    String plain =
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + EmbeddedCredentials.FATHOM_USER
            + "\" password=\""
            + c.fathomPassword()
            + "\" user_"
            + EmbeddedCredentials.FATHOM_USER
            + "=\""
            + c.fathomPassword()
            + "\";";
    // Clients: SCRAM. The broker itself: PLAIN (works before SCRAM credentials exist).
    p.put("sasl.enabled.mechanisms", EmbeddedCredentials.MECHANISM + ",PLAIN");
    p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", plain);
    p.put(
        "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    p.put("listener.name.controller.plain.sasl.jaas.config", plain);
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", "User:" + EmbeddedCredentials.FATHOM_USER);
    p.put("allow.everyone.if.no.acl.found", "false");
  }

  /** Sets both SCRAM credentials and the client's ACLs; waits until the broker knows them. */
  static void provision(String bootstrap, EmbeddedCredentials c) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
    p.put("security.protocol", "SASL_PLAINTEXT");
    p.put("sasl.mechanism", "PLAIN");
    p.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + EmbeddedCredentials.FATHOM_USER
            + "\" password=\""
            + c.fathomPassword()
            + "\";");
    try (Admin admin = Admin.create(p)) {
      ScramCredentialInfo info =
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS);
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      EmbeddedCredentials.FATHOM_USER, info, c.fathomPassword()),
                  new UserScramCredentialUpsertion(
                      EmbeddedCredentials.CLIENT_USER, info, c.clientPassword())))
          .all()
          .get(60, TimeUnit.SECONDS);
      admin.createAcls(clientAcls()).all().get(60, TimeUnit.SECONDS);
      awaitCredentials(admin);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot set up SASL/SCRAM and ACLs on the embedded broker: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while securing the embedded broker", e);
    }
  }

  /** The consumer groups of the client principal (its topics: {@link #grantTopics}). */
  static List<AclBinding> clientAcls() {
    String principal = "User:" + EmbeddedCredentials.CLIENT_USER;
    List<AclBinding> acls = new ArrayList<>();
    acls.add(
        allow(
            ResourceType.GROUP,
            CLIENT_GROUP_PREFIX,
            PatternType.PREFIXED,
            AclOperation.READ,
            principal));
    acls.add(
        allow(
            ResourceType.GROUP,
            CLIENT_GROUP_PREFIX,
            PatternType.PREFIXED,
            AclOperation.DESCRIBE,
            principal));
    return acls;
  }

  /** Topic grants of the client principal for Fathom's topics named in {@code topics}. */
  static void grantTopics(String bootstrap, KafkaSettings.Topics topics) {
    grant(
        bootstrap,
        List.of(topics.questions(), topics.documents()),
        List.of(topics.answers(), topics.answerStream(), topics.deadLetters()));
  }

  /**
   * Lets the client principal write (and describe) {@code writable} and read (and describe) {@code
   * readable}: e.g. the behavior loop's feedback topic and the shared handbook.
   */
  static void grant(String bootstrap, List<String> writable, List<String> readable) {
    String principal = "User:" + EmbeddedCredentials.CLIENT_USER;
    List<AclBinding> acls = new ArrayList<>();
    for (String t : writable) {
      acls.add(allow(ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.WRITE, principal));
      acls.add(allow(ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.DESCRIBE, principal));
    }
    for (String t : readable) {
      acls.add(allow(ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.READ, principal));
      acls.add(allow(ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.DESCRIBE, principal));
    }
    Properties p = ClientProperties.addTo(bootstrap, new Properties());
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot create the client ACLs on the embedded broker: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating ACLs", e);
    }
  }

  private static AclBinding allow(
      ResourceType type, String name, PatternType pattern, AclOperation op, String principal) {
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
  }

  private static void awaitCredentials(Admin admin)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Map<String, UserScramCredentialsDescription> d =
          admin.describeUserScramCredentials().all().get(60, TimeUnit.SECONDS);
      if (d.containsKey(EmbeddedCredentials.FATHOM_USER)
          && d.containsKey(EmbeddedCredentials.CLIENT_USER)) return;
      if (System.nanoTime() > deadline)
        throw new TimeoutException("SCRAM credentials never appeared");
      Thread.sleep(100);
    }
  }
}
