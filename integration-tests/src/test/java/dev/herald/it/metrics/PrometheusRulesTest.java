package dev.herald.it.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.it.peers.Commands;
import dev.herald.it.peers.Daemons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The alert rules, their prometheus-operator form and the Grafana dashboard of deploy/prometheus and deploy/grafana:
 * a real promtool (Debian's prometheus package) checks the rules and runs their unit tests, and parses every query of
 * the dashboard; the PrometheusRule carries exactly the rules file's groups as kustomize renders it; every alert has
 * unit tests that fire and that do not, and a section in deploy/prometheus/README.md; rules and dashboard use only
 * the metrics of the catalogue (docs/metrics.md).
 */
class PrometheusRulesTest {
    /** The checkout's root: the tests run in integration-tests/. */
    static final Path REPO = Path.of(System.getProperty("user.dir")).resolve("..").normalize();
    static final Path PROMETHEUS = REPO.resolve("deploy/prometheus");
    static final Path RULES = PROMETHEUS.resolve("herald-rules.yaml");
    static final Path RULE_TESTS = PROMETHEUS.resolve("herald-rules.test.yaml");
    static final Path README = PROMETHEUS.resolve("README.md");
    static final Path OPERATOR = PROMETHEUS.resolve("operator");
    static final Path DASHBOARD = REPO.resolve("deploy/grafana/herald-dashboard.json");
    /** promtool and kubectl kustomize take well under a second here; the limit only bounds a hang. */
    private static final Duration LIMIT = Duration.ofSeconds(60);

    /** Herald's metrics and their types, as docs/metrics.md lists them. */
    static final Map<String, String> CATALOGUE = Map.ofEntries(
            Map.entry("herald_bgp_session_up", "gauge"),
            Map.entry("herald_bgp_session_state", "gauge"),
            Map.entry("herald_bgp_session_established_transitions_total", "counter"),
            Map.entry("herald_bgp_session_uptime_seconds", "gauge"),
            Map.entry("herald_bgp_session_hold_time_seconds", "gauge"),
            Map.entry("herald_bfd_session_up", "gauge"),
            Map.entry("herald_bfd_session_state", "gauge"),
            Map.entry("herald_bgp_advertised_routes", "gauge"),
            Map.entry("herald_bgp_received_routes", "gauge"),
            Map.entry("herald_bgp_messages_sent_total", "counter"),
            Map.entry("herald_bgp_messages_received_total", "counter"),
            Map.entry("herald_bgp_notifications_sent_total", "counter"),
            Map.entry("herald_bgp_notifications_received_total", "counter"),
            Map.entry("herald_routes_desired", "gauge"),
            Map.entry("herald_routes_advertised", "gauge"),
            Map.entry("herald_reconcile_passes_total", "counter"),
            Map.entry("herald_reconcile_errors_total", "counter"),
            Map.entry("herald_reconcile_duration_seconds", "histogram"),
            Map.entry("herald_policies_selecting_node", "gauge"),
            Map.entry("herald_policy_effective", "gauge"),
            Map.entry("herald_policy_info", "gauge"),
            Map.entry("herald_backend_info", "gauge"),
            Map.entry("herald_backend_swaps_total", "counter"),
            Map.entry("herald_backend_swap_convergence_seconds", "histogram"),
            Map.entry("herald_kubernetes_api_up", "gauge"),
            Map.entry("herald_kubernetes_watch_events_total", "counter"),
            Map.entry("herald_build_info", "gauge"),
            Map.entry("herald_event_loop_pending_tasks", "gauge"));

    @TempDir
    Path tmp;

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonMapper JSON = new JsonMapper();

    // --- the rules -----------------------------------------------------------------------------------------------

    @Test
    void promtoolChecksTheRulesFile() throws Exception {
        Path promtool = Daemons.assumeOnPath("prometheus", "promtool");
        String out = run(promtool.toString(), "check", "rules", RULES.toString());
        assertThat(out).contains("SUCCESS: " + rules().size() + " rules found");
    }

    @Test
    void promtoolRunsTheUnitTestsOfEveryAlert() throws Exception {
        Path promtool = Daemons.assumeOnPath("prometheus", "promtool");
        // promtool reads the rule_files of the tests relative to the tests' own folder
        assertThat(run(promtool.toString(), "test", "rules", RULE_TESTS.toString())).contains("SUCCESS");
    }

    /**
     * promtool passes a test that expects no alert of a misspelt name, and a file with no test of an alert: so each
     * alert must have a check where it fires, one where it does not, and (with a for:) one where it is pending.
     */
    @Test
    void everyAlertHasUnitTestsWhereItFiresIsPendingAndDoesNotFire() throws Exception {
        Map<String, JsonNode> alerts = alerts();
        JsonNode tests = YAML.readTree(RULE_TESTS.toFile());
        assertThat(tests.path("rule_files")).extracting(JsonNode::asString).containsExactly(RULES.getFileName()
                .toString());
        Set<String> fires = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        Set<String> pending = new TreeSet<>();
        Set<String> named = new TreeSet<>();
        Pattern alertname = Pattern.compile("alertname=\"(\\w+)\"");
        for (JsonNode test : tests.path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                String name = check.path("alertname").asString();
                named.add(name);
                (check.path("exp_alerts").isEmpty() ? silent : fires).add(name);
            }
            for (JsonNode check : test.path("promql_expr_test")) {
                for (JsonNode sample : check.path("exp_samples")) {
                    String labels = sample.path("labels").asString();
                    Matcher m = alertname.matcher(labels);
                    if (labels.startsWith("ALERTS{") && labels.contains("alertstate=\"pending\"") && m.find()) {
                        pending.add(m.group(1));
                        named.add(m.group(1));
                    }
                }
            }
        }
        assertThat(named).as("alerts named in the tests").isSubsetOf(alerts.keySet());
        assertThat(fires).as("alerts tested firing").containsExactlyInAnyOrderElementsOf(alerts.keySet());
        assertThat(silent).as("alerts tested not firing").containsExactlyInAnyOrderElementsOf(alerts.keySet());
        Set<String> withFor = alerts.entrySet().stream().filter(e -> e.getValue().has("for")).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(withFor).as("alerts with a for:").hasSizeGreaterThanOrEqualTo(6);
        assertThat(pending).as("alerts tested pending").containsExactlyInAnyOrderElementsOf(withFor);
    }

    @Test
    void everyAlertHasASeverityItsAnnotationsAndASectionInTheReadme() throws Exception {
        Map<String, JsonNode> alerts = alerts();
        assertThat(alerts.keySet()).contains("HeraldBgpSessionDown", "HeraldNoEffectivePolicy",
                "HeraldRoutesNotAdvertised", "HeraldReconcileErrors", "HeraldKubernetesApiUnreachable",
                "HeraldBackendSwapNotConverged");
        Set<String> sections = new TreeSet<>();
        Matcher heading = Pattern.compile("(?m)^### (Herald\\w+)$").matcher(Files.readString(README));
        while (heading.find()) {
            sections.add(heading.group(1));
        }
        assertThat(sections).as("the alerts' sections in " + README).containsExactlyInAnyOrderElementsOf(
                alerts.keySet());
        alerts.forEach((name, rule) -> {
            assertThat(rule.path("labels").path("severity").asString()).as(name).isIn("warning", "critical");
            JsonNode annotations = rule.path("annotations");
            assertThat(annotations.propertyNames()).as(name).containsExactlyInAnyOrder("summary", "description",
                    "runbook_url");
            assertThat(annotations.path("summary").asString()).as(name).contains("{{ $labels.instance }}");
            assertThat(annotations.path("description").asString()).as(name).contains("{{ $labels.instance }}");
            // GitHub's anchor of "### HeraldX" is #heraldx
            assertThat(annotations.path("runbook_url").asString()).as(name).isEqualTo(
                    "deploy/prometheus/README.md#" + name.toLowerCase(Locale.ROOT));
        });
    }

    /** Both forms of the rules are maintained by hand: the operator's must stay exactly the plain file's groups. */
    @Test
    void thePrometheusRuleCarriesExactlyTheGroupsOfTheRulesFile() throws Exception {
        Path kubectl = Daemons.assumeOnPath("kubernetes-client", "kubectl");
        Map<String, JsonNode> rendered = new LinkedHashMap<>();
        for (String doc : run(kubectl.toString(), "kustomize", OPERATOR.toString()).split("(?m)^---$")) {
            if (!doc.isBlank()) {
                JsonNode o = YAML.readTree(doc);
                rendered.put(o.path("kind").asString() + " " + o.path("metadata").path("name").asString(), o);
            }
        }
        assertThat(rendered.keySet()).containsExactlyInAnyOrder("PrometheusRule herald", "PodMonitor herald-agent");
        JsonNode rule = rendered.get("PrometheusRule herald");
        assertThat(rule.path("apiVersion").asString()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.path("metadata").path("namespace").asString()).isEqualTo("herald");
        JsonNode groups = YAML.readTree(RULES.toFile()).path("groups");
        assertThat(groups.isArray() && !groups.isEmpty()).isTrue();
        assertThat(rule.path("spec").path("groups")).isEqualTo(groups);
    }

    // --- the metric names ----------------------------------------------------------------------------------------

    @Test
    void theRulesAndTheDashboardUseOnlyTheCataloguesMetrics() throws Exception {
        // the extraction itself: metric names, not functions, labels, keywords, durations or strings
        assertThat(metricNames("histogram_quantile(0.99, sum by (le) (rate(a_bucket{x=\"b_c\", le!=\"+Inf\"}"
                + "[$__rate_interval]))) / on (i) group_left (p) b offset 5m > bool 1e3 unless c:d[5m:1m]"))
                .containsExactlyInAnyOrder("a_bucket", "b", "c:d");

        Set<String> inRules = new TreeSet<>();
        for (JsonNode rule : alerts().values()) {
            inRules.addAll(metricNames(rule.path("expr").asString()));
        }
        assertThat(inRules).as("metrics of the rules").allMatch(PrometheusRulesTest::known, "in the catalogue")
                .contains("herald_bgp_session_up", "up");

        Set<String> inDashboard = new TreeSet<>();
        for (String expr : dashboardQueries().values()) {
            inDashboard.addAll(metricNames(expr));
        }
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            if (variable.path("type").asString().equals("query")) {
                Matcher m = Pattern.compile("^label_values\\((\\w+),\\s*\\w+\\)$").matcher(variable.path("query")
                        .path("query").asString());
                assertThat(m.matches()).as(variable.toString()).isTrue();
                inDashboard.add(m.group(1));
            }
        }
        assertThat(inDashboard).as("metrics of the dashboard").allMatch(PrometheusRulesTest::known,
                "in the catalogue").anyMatch(n -> n.startsWith("jvm_")).anyMatch(n -> n.startsWith("process_"));
        // and the dashboard shows every metric of the catalogue
        Set<String> shown = inDashboard.stream().map(PrometheusRulesTest::family).collect(Collectors.toSet());
        assertThat(shown).containsAll(CATALOGUE.keySet());
    }

    /** A metric of the catalogue (a histogram's _bucket, _sum and _count series), the JVM's or up. */
    static boolean known(String name) {
        return CATALOGUE.containsKey(family(name)) || name.startsWith("jvm_") || name.startsWith("process_")
                || name.equals("up");
    }

    /** The catalogue's name of a series' metric: a histogram's series without their suffix. */
    static String family(String name) {
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            String base = name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : null;
            if (base != null && "histogram".equals(CATALOGUE.get(base))) {
                return base;
            }
        }
        return name;
    }

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2");

    /** The metric names a PromQL expression selects (a lexer's view: enough for the expressions of this repo). */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")       // string literals
                .replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
                .replaceAll("`[^`]*`", "``")
                .replaceAll("\\{[^}]*}", "{}")                                 // label matchers
                .replaceAll("\\[[^]]*]", "[]")                                 // ranges and subqueries
                .replaceAll("(?i)\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        // an identifier not inside another token (5m, 1e3) and not a function or aggregation (followed by "(")
        Matcher m = Pattern.compile("(?<![\\w:.$])[A-Za-z_:][\\w:]*+(?!\\s*\\()").matcher(s);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group().toLowerCase(Locale.ROOT))) {
                names.add(m.group());
            }
        }
        return names;
    }

    // --- the dashboard -------------------------------------------------------------------------------------------

    @Test
    void theDashboardIsAGrafanaDashboardOverAChosenPrometheus() throws Exception {
        JsonNode d = dashboard();
        assertThat(d.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        assertThat(d.path("uid").asString()).isEqualTo("herald-agent");
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        for (JsonNode v : d.path("templating").path("list")) {
            variables.put(v.path("name").asString(), v);
        }
        assertThat(variables).containsOnlyKeys("datasource", "instance");
        assertThat(variables.get("datasource").path("type").asString()).isEqualTo("datasource");
        assertThat(variables.get("datasource").path("query").asString()).isEqualTo("prometheus");
        JsonNode instance = variables.get("instance");
        assertThat(instance.path("type").asString()).isEqualTo("query");
        assertThat(instance.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
        assertThat(instance.path("multi").asBoolean() && instance.path("includeAll").asBoolean()).isTrue();
        assertThat(instance.path("allValue").asString()).isEqualTo(".*");

        Set<Integer> ids = new TreeSet<>();
        List<String> titles = new ArrayList<>();
        for (JsonNode p : d.path("panels")) {
            String title = p.path("title").asString();
            assertThat(ids.add(p.path("id").asInt())).as("the id of " + title + " is unique").isTrue();
            JsonNode pos = p.path("gridPos");
            assertThat(pos.path("x").asInt() + pos.path("w").asInt()).as(title).isBetween(1, 24);
            assertThat(pos.path("h").asInt()).as(title).isPositive();
            if (p.path("type").asString().equals("row")) {
                continue;
            }
            titles.add(title);
            assertThat(p.path("datasource").path("uid").asString()).as(title).isEqualTo("${datasource}");
            assertThat(p.path("targets")).as(title).isNotEmpty().allSatisfy(t -> {
                assertThat(t.path("datasource").path("uid").asString()).as(title).isEqualTo("${datasource}");
                // every query follows the agent variable
                assertThat(t.path("expr").asString()).as(title).contains("instance=~\"$instance\"");
            });
        }
        assertThat(titles).doesNotHaveDuplicates().contains("Sessions up per peer", "Session state", "BFD state",
                "Advertised routes per peer", "Received routes per peer", "Desired vs advertised routes by type",
                "UPDATE messages", "NOTIFICATION messages", "Reconcile passes", "Reconcile duration",
                "Reconcile errors by reason", "Backend in use", "Backend swaps", "Kubernetes API up", "Watch events",
                "JVM heap", "Process CPU", "Resident memory");
        assertThat(dashboardQueries().values()).anyMatch(e -> e.startsWith("histogram_quantile(0.99, ")
                && e.contains("herald_reconcile_duration_seconds_bucket"));
    }

    /**
     * promtool 2.42 has no command that only parses PromQL: each query of the dashboard, its Grafana variables
     * replaced, becomes a recording rule of a throwaway rules file, which promtool check rules parses.
     */
    @Test
    void promtoolParsesEveryQueryOfTheDashboard() throws Exception {
        Path promtool = Daemons.assumeOnPath("prometheus", "promtool");
        List<Map<String, String>> rules = new ArrayList<>();
        dashboardQueries().forEach((where, expr) -> {
            String promql = expr.replace("$__rate_interval", "5m").replace("$__interval", "1m")
                    .replace("$__range", "6h").replace("${instance}", ".*").replace("$instance", ".*");
            assertThat(promql).as(where + ": a variable this test does not know").doesNotContain("$");
            rules.add(Map.of("record", "herald_dashboard:query_" + (rules.size() + 1), "expr", promql));
        });
        assertThat(rules).hasSizeGreaterThan(30);
        Path file = tmp.resolve("dashboard-queries.yaml");   // JSON is YAML
        JSON.writeValue(file.toFile(), Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules))));
        assertThat(run(promtool.toString(), "check", "rules", file.toString()))
                .contains("SUCCESS: " + rules.size() + " rules found");
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** The rules of the rules file, by alert name (every rule is an alert). */
    static Map<String, JsonNode> alerts() throws IOException {
        Map<String, JsonNode> alerts = new LinkedHashMap<>();
        for (JsonNode rule : rules()) {
            assertThat(rule.has("alert")).as(rule.toString()).isTrue();
            assertThat(alerts.put(rule.path("alert").asString(), rule)).as("a second " + rule.path("alert")).isNull();
        }
        return alerts;
    }

    static List<JsonNode> rules() throws IOException {
        assertThat(RULES).as("the rules file, from the checkout's root " + REPO).isRegularFile();
        JsonNode groups = YAML.readTree(RULES.toFile()).path("groups");
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : groups) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    static JsonNode dashboard() throws IOException {
        return JSON.readTree(DASHBOARD.toFile());   // fails unless valid JSON
    }

    /** Every query of the dashboard's panels, by panel title and refId. */
    static Map<String, String> dashboardQueries() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode p : dashboard().path("panels")) {
            for (JsonNode t : p.path("targets")) {
                queries.put(p.path("title").asString() + " " + t.path("refId").asString(), t.path("expr").asString());
            }
        }
        return queries;
    }

    /** Runs a tool (bounded by {@link #LIMIT}) and returns its output; the test fails unless it exits 0. */
    private static String run(String... command) throws IOException, InterruptedException {
        Commands.Result r = Commands.exec(LIMIT, List.of(command));
        assertThat(r.exitCode()).as("%s exited %d:%n%s", String.join(" ", command), r.exitCode(), r.output())
                .isZero();
        return r.output();
    }
}
