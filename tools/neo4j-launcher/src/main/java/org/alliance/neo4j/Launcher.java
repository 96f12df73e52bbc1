package org.alliance.neo4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Embedded Neo4j Community server for local tests, reachable over Bolt.
 *
 * <p>Usage: {@code Launcher <home-dir> <port>}. Databases live under {@code <home-dir>/data},
 * Neo4j's own logs under {@code <home-dir>/logs}. Auth is disabled unless the environment
 * variable {@code NEO4J_PASSWORD} is set (at least 8 characters); then user {@code neo4j}
 * gets that password. The page cache is {@code NEO4J_PAGECACHE_MB} MiB (default 1024).
 * Prints {@code READY bolt://127.0.0.1:<port>} once started and runs
 * until SIGTERM.
 */
public final class Launcher {

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Launcher <home-dir> <port>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = System.getenv("NEO4J_PASSWORD");
        boolean auth = password != null && !password.isEmpty();
        long pageCacheMiB = Long.parseLong(System.getenv().getOrDefault("NEO4J_PAGECACHE_MB", "1024"));

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMiB))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // Internal settings: without them Bolt waits ~10 s on shutdown.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(200))
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(1))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "neo4j-shutdown"));

        if (auth) {
            // Embedded calls bypass auth, so we can set the initial password directly.
            try {
                dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED",
                        Map.of("pw", password));
            } catch (RuntimeException e) {
                e.printStackTrace();
                System.exit(1); // Neo4j's threads would otherwise keep the JVM alive
            }
        }

        System.out.println("READY bolt://127.0.0.1:" + port);
        System.out.flush();
        new CountDownLatch(1).await(); // block; the shutdown hook stops Neo4j on SIGTERM
    }
}
