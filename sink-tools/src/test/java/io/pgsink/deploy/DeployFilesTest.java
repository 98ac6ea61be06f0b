package io.pgsink.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pgsink.config.SinkConfig;
import io.pgsink.testing.ExternalTool;
import io.pgsink.testing.SourceTree;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What operators deploy with (deploy/): every file parses, the Kubernetes objects point at each other correctly,
 * and the docker-compose setup refers to files that exist. Docker does not run here, so compose is checked, not
 * started.
 */
class DeployFilesTest {

    private static final Path DEPLOY = SourceTree.path("deploy");
    private static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
    private static final Path COMPOSE = DEPLOY.resolve("compose");

    @Test
    void everyYamlAndJsonFileUnderDeployParses() throws IOException {
        List<Path> files = files(DEPLOY, ".yml", ".yaml", ".json");
        assertThat(files).hasSizeGreaterThanOrEqualTo(12);
        for (Path file : files) {
            List<JsonNode> documents = documents(file);
            assertThat(documents).as(file.toString()).isNotEmpty().allMatch(JsonNode::isObject);
        }
    }

    @Test
    void kustomizeBuildsBothKubernetesVariants() throws Exception {
        Optional<Path> kubectl = ExternalTool.find("kubectl");
        if (kubectl.isEmpty()) {
            // Not in Debian's archive, so not installed by .ci/run: the object checks below still run.
            abort("skipped: kubectl is not on the PATH; it is needed only for `kubectl kustomize`");
        }
        ExternalTool tool = ExternalTool.require("kubectl", "kubectl");
        for (String variant : List.of("kubernetes", "kubernetes-keda")) {
            ExternalTool.Result result = tool.run(DEPLOY, Duration.ofMinutes(1), "kustomize", variant);
            assertThat(result.exitStatus()).as(result.output()).isZero();
            assertThat(result.output()).contains("kind: Deployment", "kind: Service", "kind: PodDisruptionBudget");
            assertThat(result.output().contains("kind: ScaledObject")).isEqualTo(variant.endsWith("keda"));
        }
    }

    @Test
    void everyManifestIsListedInItsKustomization() throws IOException {
        for (Path dir : List.of(KUBERNETES, DEPLOY.resolve("kubernetes-keda"))) {
            JsonNode kustomization = yaml(dir.resolve("kustomization.yaml"));
            List<String> listed = new ArrayList<>();
            kustomization.path("resources").forEach(r -> listed.add(r.asText()));
            for (Path file : files(dir, ".yaml")) {
                if (!file.getFileName().toString().equals("kustomization.yaml")) {
                    assertThat(listed)
                            .as(dir + "/kustomization.yaml")
                            .contains(file.getFileName().toString());
                }
            }
        }
    }

    @Test
    void serviceBudgetAndProbesTargetTheWorkerPods() throws IOException {
        JsonNode deployment = yaml(KUBERNETES.resolve("deployment.yaml"));
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        JsonNode service = yaml(KUBERNETES.resolve("service.yaml"));
        JsonNode budget = yaml(KUBERNETES.resolve("poddisruptionbudget.yaml"));

        assertThat(service.at("/spec/selector")).isEqualTo(podLabels);
        assertThat(budget.at("/spec/selector/matchLabels")).isEqualTo(podLabels);
        assertThat(service.at("/spec/ports/0/targetPort").asText())
                .isEqualTo(container.at("/ports/0/name").asText());
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
        assertThat(container.at("/livenessProbe/httpGet/port").asText()).isEqualTo("http");
        assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");
    }

    @Test
    void kedaScalesTheWorkerDeploymentOnItsOwnGroupAndTopics() throws IOException {
        JsonNode scaled = yaml(DEPLOY.resolve("kubernetes-keda/scaledobject.yaml"));
        JsonNode trigger = scaled.at("/spec/triggers/0");
        Properties config = properties(yaml(KUBERNETES.resolve("configmap.yaml"))
                .at("/data/pgsink.properties")
                .asText());

        assertThat(scaled.at("/spec/scaleTargetRef/name").asText())
                .isEqualTo(yaml(KUBERNETES.resolve("deployment.yaml"))
                        .at("/metadata/name")
                        .asText());
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        assertThat(trigger.at("/metadata/consumerGroup").asText()).isEqualTo(config.getProperty("kafka.group.id"));
        assertThat(trigger.at("/metadata/topic").asText()).isEqualTo(config.getProperty("kafka.topics"));
        assertThat(trigger.at("/metadata/bootstrapServers").asText())
                .isEqualTo(config.getProperty("kafka.bootstrap.servers"));
        assertThat(trigger.at("/metadata/lagThreshold").asText()).containsOnlyDigits();
        assertThat(scaled.at("/spec/maxReplicaCount").asInt()).isPositive();
    }

    @Test
    void composeMountsFilesThatExistAndRunsTheWholeStack() throws IOException {
        JsonNode services = yaml(COMPOSE.resolve("docker-compose.yml")).path("services");

        assertThat(services.fieldNames()).toIterable().contains("kafka", "postgres", "pgsink", "prometheus", "grafana");
        assertThat(services.at("/kafka/image").asText()).startsWith("apache/kafka:");
        assertThat(services.at("/kafka/environment/KAFKA_PROCESS_ROLES").asText())
                .isEqualTo("broker,controller");
        for (JsonNode service : services) {
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                // The worker jar is built by `./mvnw package`, not checked in.
                if (source.startsWith(".") && !source.contains("/target/")) {
                    assertThat(COMPOSE.resolve(source).normalize())
                            .as(volume.asText())
                            .exists();
                }
            }
        }
        assertThat(services.at("/pgsink/volumes").toString()).contains("sink-app/target/pgsink.jar");
    }

    @Test
    void composeWorkerConfigurationIsValidAndScrapedOnItsHttpPort() throws Exception {
        Map<String, String> settings = new HashMap<>();
        properties(Files.readString(COMPOSE.resolve("pgsink.properties")))
                .forEach((k, v) -> settings.put(k.toString(), v.toString()));
        JsonNode environment = yaml(COMPOSE.resolve("docker-compose.yml")).at("/services/pgsink/environment");
        Map<String, String> env = Map.of(
                "PGSINK_POSTGRES_PASSWORD",
                environment.path("PGSINK_POSTGRES_PASSWORD").asText());

        SinkConfig.parse(SinkConfig.withEnvironment(settings, env));
        JsonNode prometheus = yaml(DEPLOY.resolve("prometheus/prometheus.yml"));
        assertThat(prometheus.at("/scrape_configs/0/static_configs/0/targets/0").asText())
                .isEqualTo("pgsink:" + settings.get("http.port"));
        assertThat(prometheus.at("/rule_files/0").asText()).isEqualTo("pgsink-rules.yml");
    }

    @Test
    void promtoolAcceptsTheComposePrometheusConfiguration() throws Exception {
        ExternalTool.Result result = AlertRulesTest.promtool()
                .run(AlertRulesTest.PROMETHEUS_DIR, Duration.ofMinutes(1), "check", "config", "prometheus.yml");

        assertThat(result.exitStatus()).as(result.output()).isZero();
    }

    @Test
    void grafanaLoadsTheDashboardFromWhereComposeMountsIt() throws IOException {
        JsonNode provider = yaml(DEPLOY.resolve("grafana/provisioning/dashboards/pgsink.yml"))
                .at("/providers/0");
        JsonNode grafanaVolumes = yaml(COMPOSE.resolve("docker-compose.yml")).at("/services/grafana/volumes");

        String dashboardMount = grafanaVolumes.get(1).asText();
        assertThat(dashboardMount).startsWith("../grafana/pgsink-dashboard.json:");
        assertThat(dashboardMount.split(":")[1])
                .startsWith(provider.at("/options/path").asText() + "/");
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        if (file.toString().endsWith(".json")) {
            return List.of(new ObjectMapper().readTree(file.toFile()));
        }
        YAMLMapper mapper = new YAMLMapper();
        try (var parser = mapper.createParser(file.toFile())) {
            return mapper.readValues(parser, JsonNode.class).readAll();
        }
    }

    private static JsonNode yaml(Path file) throws IOException {
        return new YAMLMapper().readTree(file.toFile());
    }

    private static Properties properties(String text) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        return properties;
    }

    private static List<Path> files(Path dir, String... suffixes) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(f -> Stream.of(suffixes).anyMatch(s -> f.toString().endsWith(s)))
                    .sorted()
                    .toList();
        }
    }
}
