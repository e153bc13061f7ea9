package mlkg.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Neo4j 5.26 Community, embedded, with the Bolt connector on 127.0.0.1 and auth disabled.
 *
 * <p>Usage: {@code java -Xmx512m -jar neo4j-test-server.jar [--port N] [--data-dir DIR] [--ignore-stdin]}
 * (env fallbacks: NEO4J_TEST_PORT, NEO4J_TEST_DATA_DIR). Port 0 / unset picks a free port.
 * Without a data dir a temp dir is used and deleted on exit.
 *
 * <p>Prints exactly one line {@code BOLT_URI=bolt://127.0.0.1:PORT} on stdout once Bolt is listening;
 * everything else goes to stderr. Shuts the DBMS down cleanly on SIGTERM/SIGINT (shutdown hook)
 * and when stdin reaches EOF (so a dead parent does not leave it running), unless --ignore-stdin.
 */
public final class Neo4jTestServer {
    private static final Object LOCK = new Object();
    private static DatabaseManagementService managementService;
    private static Path tempHome;
    private static boolean stopped;

    private Neo4jTestServer() {}

    public static void main(String[] args) {
        // Keep stdout clean for the single BOLT_URI line: anything else printing to System.out goes to stderr.
        PrintStream realOut = System.out;
        System.setOut(System.err);

        int port = envInt("NEO4J_TEST_PORT", 0);
        String dataDir = System.getenv("NEO4J_TEST_DATA_DIR");
        boolean watchStdin = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--data-dir" -> dataDir = args[++i];
                case "--ignore-stdin" -> watchStdin = false;
                case "-h", "--help" -> {
                    System.err.println("usage: Neo4jTestServer [--port N] [--data-dir DIR] [--ignore-stdin]");
                    System.exit(0);
                }
                default -> {
                    System.err.println("unknown argument: " + args[i]);
                    System.exit(2);
                }
            }
        }

        Runtime.getRuntime().addShutdownHook(new Thread(Neo4jTestServer::stop, "neo4j-test-server-shutdown"));

        try {
            Path home;
            if (dataDir == null || dataDir.isBlank()) {
                home = Files.createTempDirectory("mlkg-neo4j-test-");
                synchronized (LOCK) {
                    tempHome = home;
                }
            } else {
                home = Path.of(dataDir).toAbsolutePath();
                Files.createDirectories(home);
            }

            // Like a packaged server (server.directories.import=import): LOAD CSV file:/// URLs resolve
            // inside <home>/import instead of the whole filesystem.
            Path importDir = Files.createDirectories(home.resolve("import"));

            long t0 = System.nanoTime();
            DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(GraphDatabaseSettings.auth_enabled, false)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(64))
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.load_csv_file_url_root, importDir)
                    .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5))
                    // db.memory.transaction.max, as the README asks of a server analysts reach:
                    // one query's transaction fails past it instead of filling the heap
                    .setConfig(GraphDatabaseSettings.memory_transaction_max_size, ByteUnit.mebiBytes(256))
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    // Bolt shutdown otherwise waits 5 s for connections and 5 s for its thread pool.
                    .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500))
                    .build();
            synchronized (LOCK) {
                managementService = dbms;
                if (stopped) { // a signal arrived while we were starting
                    dbms.shutdown();
                    return;
                }
            }

            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            db.executeTransactionally("RETURN 1");
            int boundPort = ((GraphDatabaseAPI) db).getDependencyResolver()
                    .resolveDependency(ConnectorPortRegister.class)
                    .getLocalAddress(ConnectorType.BOLT)
                    .getPort();
            System.err.printf("neo4j-test-server: Neo4j started in %d ms, home %s%n",
                    (System.nanoTime() - t0) / 1_000_000, home);

            realOut.println("BOLT_URI=bolt://127.0.0.1:" + boundPort);
            realOut.flush();

            if (watchStdin) {
                Thread watcher = new Thread(Neo4jTestServer::waitForStdinEof, "neo4j-test-server-stdin");
                watcher.setDaemon(true);
                watcher.start();
            }
            new CountDownLatch(1).await(); // run until the JVM is told to exit
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            System.err.println("neo4j-test-server: failed to start: " + t);
            t.printStackTrace(System.err);
            System.exit(1);
        }
    }

    private static void waitForStdinEof() {
        byte[] buf = new byte[256];
        try {
            InputStream in = System.in;
            while (in.read(buf) >= 0) {
                // ignore anything written to us
            }
        } catch (IOException ignored) {
            // treat as EOF
        }
        System.err.println("neo4j-test-server: stdin closed, shutting down");
        System.exit(0); // runs the shutdown hook
    }

    private static void stop() {
        DatabaseManagementService dbms;
        Path temp;
        synchronized (LOCK) {
            if (stopped) {
                return;
            }
            stopped = true;
            dbms = managementService;
            temp = tempHome;
        }
        if (dbms != null) {
            try {
                dbms.shutdown();
                System.err.println("neo4j-test-server: Neo4j shut down");
            } catch (Throwable t) {
                System.err.println("neo4j-test-server: error during shutdown: " + t);
            }
        }
        if (temp != null) {
            deleteRecursively(temp);
        }
    }

    private static void deleteRecursively(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("neo4j-test-server: could not delete " + root + ": " + e);
        }
    }

    private static int envInt(String name, int dflt) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        return Integer.parseInt(v.trim());
    }
}
