package org.stfusion.spark;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Properties;
import org.apache.spark.SparkContext;
import org.stfusion.core.config.ExecutionSettings;
import org.stfusion.core.execution.Cluster;
import org.stfusion.core.execution.ExecutionProvider;

/** {@code execution.engine: spark}. */
public final class SparkExecutionProvider implements ExecutionProvider {

    @Override
    public String name() {
        return "spark";
    }

    /** Spark's version, as its core jar records it. */
    @Override
    public String version() {
        try (InputStream in = SparkContext.class.getResourceAsStream("/spark-version-info.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public Cluster open(ExecutionSettings settings) {
        return SparkCluster.connect(settings, version());
    }

    @Override
    public String reachability(ExecutionSettings settings) {
        String master = settings.master();
        if (master.startsWith("local")) {
            return "Spark runs inside stfusion's own process (" + master + "): nothing to reach";
        }
        if (master.startsWith("spark://")) {
            String first = master.substring("spark://".length()).split(",")[0];
            URI uri = URI.create("spark://" + first);
            int port = uri.getPort() < 0 ? 7077 : uri.getPort();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(uri.getHost(), port), 3000);
                return "master " + uri.getHost() + ":" + port + " accepts connections";
            } catch (IOException | IllegalArgumentException e) {
                return "UNREACHABLE: master " + uri.getHost() + ":" + port + " (" + e.getMessage() + ")";
            }
        }
        return "not checked: " + master + " is reached through its resource manager when spark-submit starts the job";
    }
}
