package dev.netc.compiler.frontend.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.InputSource;
import dev.netc.compiler.frontend.YamlFrontEnd;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.model.Cluster;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** convert says what the DSL cannot hold of the new kinds and placement constraints, instead of dropping it. */
class ModelToDslSchedulingTest {
    @Test
    void replicationControllersCronJobsAndTolerationsAreLeftOutWithAWarning() {
        String yaml = """
                apiVersion: v1
                kind: ReplicationController
                metadata: {name: rc}
                spec: {template: {metadata: {labels: {app: rc}}, spec: {containers: [{name: c}]}}}
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: cron}
                spec:
                  schedule: "@daily"
                  jobTemplate: {spec: {template: {metadata: {labels: {app: cron}}, spec: {containers: [{name: c}]}}}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {tolerations: [{operator: Exists}], containers: [{name: c}]}
                """;
        Diagnostics d = new Diagnostics();
        Cluster c = new YamlFrontEnd().apply(List.of(new InputSource("c.yaml", yaml.getBytes(StandardCharsets.UTF_8))), d);
        String text = ModelToDsl.print(c, d);
        assertEquals(List.of(
                "c.yaml:1:1: warning[NETC051]: ReplicationController ReplicationController/default/rc is not"
                        + " expressible in the DSL: left out",
                "c.yaml:6:1: warning[NETC051]: CronJob CronJob/default/cron is not expressible in the DSL: left out",
                "c.yaml:13:1: warning[NETC051]: the node affinity and tolerations of Deployment/default/web are not"
                        + " expressible in the DSL: left out"),
                d.sorted().stream().map(Diagnostic::render).toList());
        assertTrue(text.contains("deployment web"), text);
        assertTrue(!text.contains("replicationcontroller") && !text.contains("cronjob"), text);
    }
}
