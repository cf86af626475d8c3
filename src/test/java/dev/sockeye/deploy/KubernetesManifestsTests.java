package dev.sockeye.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import dev.sockeye.SockeyeApplication;
import dev.sockeye.listener.Listeners;
import dev.sockeye.listener.config.SockeyeProperties;
import dev.sockeye.support.Http;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests in {@code deploy/k8s/}, read into fabric8's typed objects (no
 * cluster here): they parse with no unknown field, the kustomization lists them, the
 * grace period covers the preStop sleep and the drain, ports and selectors agree with the
 * ConfigMap's {@code application.yml} and the pod labels, and the probe and scrape paths
 * answer on a Sockeye started with that very {@code application.yml}.
 */
class KubernetesManifestsTests {

	private static final Path K8S = Path.of("deploy/k8s");

	/** What the grace period must leave after the preStop sleep and the drain. */
	private static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(10);

	private static final String MANAGEMENT_PORT_NAME = "management";

	private static final String CONFIG_LOCATION_VARIABLE = "SPRING_CONFIG_ADDITIONAL_LOCATION";

	private static final YAMLMapper yaml = YAMLMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	/** What each apiVersion and kind in deploy/k8s is read as. */
	private static final Map<String, Class<?>> TYPES = Map.of("v1/ConfigMap", ConfigMap.class, "v1/Service",
			Service.class, "apps/v1/Deployment", Deployment.class, "policy/v1/PodDisruptionBudget",
			PodDisruptionBudget.class, "monitoring.coreos.com/v1/PodMonitor", GenericKubernetesResource.class,
			"kustomize.config.k8s.io/v1beta1/Kustomization", Kustomization.class,
			"kustomize.config.k8s.io/v1alpha1/Component", Kustomization.class);

	// parsing and the kustomization

	@Test
	void everyFileInDeployK8sParsesIntoItsTypedObjectsWithNoUnknownField() throws IOException {
		Map<Path, List<Object>> manifests = manifests();
		assertThat(manifests.keySet()).extracting(Path::toString)
			.containsExactlyInAnyOrder("configmap.yaml", "deployment.yaml", "pdb.yaml", "service.yaml",
					"kustomization.yaml", "prometheus-operator/kustomization.yaml",
					"prometheus-operator/podmonitor.yaml");
		manifests.forEach((file, objects) -> {
			assertThat(objects).as("%s holds one object", file).hasSize(1);
			Object object = objects.get(0);
			if (!(object instanceof GenericKubernetesResource)) {
				assertThat(unknownFields(object, ""))
					.as("fields of %s that %s does not have", file, object.getClass().getSimpleName())
					.isEmpty();
			}
		});
		assertThat(one(Deployment.class).getMetadata().getName()).isEqualTo("sockeye");
		assertThat(one(Service.class).getMetadata().getName()).isEqualTo("sockeye");
		assertThat(one(PodDisruptionBudget.class).getMetadata().getName()).isEqualTo("sockeye");
		assertThat(one(ConfigMap.class).getMetadata().getName()).isEqualTo("sockeye-config");
	}

	@Test
	void theUnknownFieldCheckCatchesAMisspeltField() {
		Deployment deployment = yaml.readValue("""
				apiVersion: apps/v1
				kind: Deployment
				spec:
				  template:
				    spec:
				      terminationGracePeriodSecond: 60
				      containers:
				        - name: sockeye
				          readinessProbe:
				            httpGet: {path: /actuator/health/readiness, port: management, portt: 8080}
				""", Deployment.class);
		assertThat(unknownFields(deployment, "")).containsExactly(
				"spec.template.spec.containers[0].readinessProbe.httpGet.portt",
				"spec.template.spec.terminationGracePeriodSecond");
	}

	@Test
	void eachKustomizationListsExactlyTheManifestsBesideIt() throws IOException {
		Kustomization root = kustomization(K8S);
		assertThat(root.kind()).isEqualTo("Kustomization");
		assertThat(root.resources()).containsExactlyInAnyOrderElementsOf(manifestsIn(K8S));
		assertThat(root.components()).isNull();
		List<Path> components = subdirectories(K8S);
		assertThat(components).extracting(Path::toString).containsExactly("deploy/k8s/prometheus-operator");
		String rootText = Files.readString(K8S.resolve("kustomization.yaml"));
		for (Path component : components) {
			Kustomization kustomization = kustomization(component);
			assertThat(kustomization.kind()).as("%s", component).isEqualTo("Component");
			assertThat(kustomization.resources()).as("%s", component)
				.containsExactlyInAnyOrderElementsOf(manifestsIn(component));
			assertThat(subdirectories(component)).as("%s", component).isEmpty();
			assertThat(rootText).as("the opt-in line for %s", component)
				.contains("# components:\n#   - " + component.getFileName() + "\n");
		}
	}

	@Test
	void theImageIsTheOneBuildImageNamesAndTheKustomizationRenamesIt() throws IOException {
		Properties build = new Properties();
		try (InputStream in = Files.newInputStream(Path.of("target/classes/META-INF/build-info.properties"))) {
			build.load(in);
		}
		String image = container().getImage();
		assertThat(image).isEqualTo(build.getProperty("build.artifact") + ":" + build.getProperty("build.version"));
		List<Kustomization.Image> images = kustomization(K8S).images();
		assertThat(images).hasSize(1);
		assertThat(images.get(0).name()).isEqualTo(image.substring(0, image.indexOf(':')));
		assertThat(images.get(0).newTag()).isEqualTo(build.getProperty("build.version"));
	}

	// shutdown

	@Test
	void theGracePeriodExceedsThePreStopSleepPlusTheConfigMapsDrainTimeoutPlusAMargin() throws IOException {
		StandardEnvironment configuration = configMapEnvironment();
		assertThat(configuration.containsProperty("sockeye.drain-timeout")).as("drain-timeout set explicitly").isTrue();
		Duration drain = sockeyeProperties(configuration).drainTimeout();
		assertThat(drain).isEqualTo(Duration.ofSeconds(30));
		PodSpec pod = podSpec();
		Container container = container();
		assertThat(container.getLifecycle().getPreStop().getExec()).as("no shell in a buildpack image").isNull();
		assertThat(container.getLifecycle().getPreStop().getHttpGet()).isNull();
		Duration preStop = Duration.ofSeconds(container.getLifecycle().getPreStop().getSleep().getSeconds());
		assertThat(preStop).isEqualTo(Duration.ofSeconds(10));
		Duration grace = Duration.ofSeconds(pod.getTerminationGracePeriodSeconds());
		assertThat(grace)
			.as("grace period, at least preStop %s + drain %s + margin %s", preStop, drain, SHUTDOWN_MARGIN)
			.isGreaterThanOrEqualTo(preStop.plus(drain).plus(SHUTDOWN_MARGIN));
		assertThat(grace).isEqualTo(Duration.ofSeconds(60));
	}

	@Test
	void rollingUpdatesAndDisruptionsTakeDownOnePodAtATime() throws IOException {
		Deployment deployment = one(Deployment.class);
		assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
		assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
		assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable())
			.isEqualTo(new IntOrString(0));
		assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge()).isEqualTo(new IntOrString(1));
		PodDisruptionBudget pdb = one(PodDisruptionBudget.class);
		assertThat(pdb.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
		assertThat(pdb.getSpec().getMinAvailable()).isNull();
	}

	// ports

	@Test
	void containerPortsServiceTargetPortsAndProbePortsMatchTheConfigMapsListenerPortAndServerPort() throws IOException {
		StandardEnvironment configuration = configMapEnvironment();
		int serverPort = configuration.getRequiredProperty("server.port", Integer.class);
		assertThat(serverPort).isEqualTo(8080);
		Map<String, Integer> listenerPorts = listenerPorts(configuration);
		assertThat(listenerPorts).containsExactly(Map.entry("echo", 8888));

		Container container = container();
		Map<String, Integer> expected = new TreeMap<>();
		listenerPorts.forEach((listener, port) -> expected.put("tcp-" + listener, port));
		expected.put(MANAGEMENT_PORT_NAME, serverPort);
		assertThat(containerPorts(container)).isEqualTo(expected);
		assertThat(container.getPorts()).extracting(ContainerPort::getProtocol).containsOnly("TCP");

		List<ServicePort> servicePorts = one(Service.class).getSpec().getPorts();
		assertThat(servicePorts).extracting(servicePort -> resolve(servicePort.getTargetPort(), container))
			.as("Service target ports")
			.containsExactlyInAnyOrderElementsOf(listenerPorts.values());
		assertThat(servicePorts).extracting(ServicePort::getPort)
			.as("Service ports, as clients outside the pod know them")
			.containsExactlyInAnyOrderElementsOf(listenerPorts.values());
		assertThat(servicePorts).extracting(servicePort -> resolve(servicePort.getTargetPort(), container))
			.as("the management port has no Service")
			.doesNotContain(serverPort);

		Map<String, Probe> probes = probes(container);
		assertThat(probes).containsOnlyKeys("startup", "liveness", "readiness");
		probes.forEach(
				(kind, probe) -> assertThat(resolve(probe.getHttpGet().getPort(), container)).as("%s probe port", kind)
					.isEqualTo(serverPort));

		Map<String, String> annotations = deployment().getSpec().getTemplate().getMetadata().getAnnotations();
		assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
			.containsEntry("prometheus.io/port", String.valueOf(serverPort))
			.containsEntry("prometheus.io/path", "/actuator/prometheus");
		List<Map<String, Object>> endpoints = one(GenericKubernetesResource.class).get("spec", "podMetricsEndpoints");
		assertThat(endpoints).hasSize(1);
		assertThat(resolve(new IntOrString(endpoints.get(0).get("port")), container)).as("PodMonitor port")
			.isEqualTo(serverPort);
		assertThat(endpoints.get(0)).containsEntry("path", annotations.get("prometheus.io/path"));
	}

	@Test
	void theProbesUseTheLivenessAndReadinessGroups() throws IOException {
		Map<String, Probe> probes = probes(container());
		assertThat(probes.get("startup").getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
		assertThat(probes.get("liveness").getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
		assertThat(probes.get("readiness").getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
		probes.forEach((kind, probe) -> {
			assertThat(probe.getHttpGet().getScheme()).as("%s scheme", kind).isNull();
			assertThat(probe.getHttpGet().getHttpHeaders()).as("%s headers: no credentials", kind).isNullOrEmpty();
			assertThat(probe.getExec()).as("%s exec", kind).isNull();
		});
		Probe startup = probes.get("startup");
		assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).as("seconds allowed to start")
			.isEqualTo(120);
	}

	@Test
	void theProbePathsAndTheScrapePathAnswer200OnSockeyeStartedWithTheConfigMapsApplicationYml(@TempDir Path mount)
			throws IOException {
		Container container = container();
		VolumeMount configMount = configMount();
		String location = env(container, CONFIG_LOCATION_VARIABLE);
		assertThat(location).isEqualTo("file:" + configMount.getMountPath() + "/");
		ConfigMap configMap = one(ConfigMap.class);
		assertThat(configMap.getData()).containsOnlyKeys("application.yml");
		Files.writeString(mount.resolve("application.yml"), configMap.getData().get("application.yml"));

		List<String> args = new ArrayList<>();
		args.add("--spring.config.additional-location="
				+ location.replace(configMount.getMountPath(), mount.toString()));
		args.add("--server.port=0");
		listenerPorts(configMapEnvironment()).keySet()
			.forEach((listener) -> args.add("--sockeye.listeners." + listener + ".port=0"));
		ConfigurableApplicationContext context = SpringApplication.run(SockeyeApplication.class,
				args.toArray(String[]::new));
		try {
			assertThat(context.getEnvironment().getProperty("sockeye.drain-timeout")).as("the ConfigMap was read")
				.isEqualTo("30s");
			Listeners listeners = context.getBean(Listeners.class);
			assertThat(listeners.listeners().keySet()).containsExactly("echo");
			assertThat(listeners.port("echo")).isPositive().isNotEqualTo(8888);
			String base = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
			for (Probe probe : probes(container).values()) {
				HttpResponse<String> response = Http.get(base + probe.getHttpGet().getPath());
				assertThat(response.statusCode()).as("%s: %s", probe.getHttpGet().getPath(), response.body())
					.isEqualTo(200);
				assertThat(JsonPath.<String>read(response.body(), "$.status")).isEqualTo("UP");
			}
			String scrapePath = deployment().getSpec()
				.getTemplate()
				.getMetadata()
				.getAnnotations()
				.get("prometheus.io/path");
			HttpResponse<String> scrape = Http.get(base + scrapePath);
			assertThat(scrape.statusCode()).isEqualTo(200);
			assertThat(scrape.body()).contains("tcp_server_listener_up{listener=\"echo\"} 1");
			assertThat(Http.get(base + "/actuator/tcp").statusCode()).as("the tcp endpoint is not exposed")
				.isEqualTo(404);
		}
		finally {
			context.close();
		}
	}

	// selectors and labels

	@Test
	void theServicePdbPodMonitorAndSpreadSelectorsMatchTheDeploymentsPodLabels() throws IOException {
		Deployment deployment = deployment();
		Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
		assertThat(podLabels).containsExactly(Map.entry("app.kubernetes.io/name", "sockeye"));
		Map<String, LabelSelector> selectors = new LinkedHashMap<>();
		selectors.put("Deployment", deployment.getSpec().getSelector());
		selectors.put("PodDisruptionBudget", one(PodDisruptionBudget.class).getSpec().getSelector());
		selectors.put("PodMonitor",
				yaml.convertValue(one(GenericKubernetesResource.class).<Map<String, Object>>get("spec", "selector"),
						LabelSelector.class));
		List<TopologySpreadConstraint> spread = podSpec().getTopologySpreadConstraints();
		assertThat(spread).hasSize(1);
		selectors.put("topology spread", spread.get(0).getLabelSelector());
		selectors.forEach((owner, selector) -> {
			assertThat(selector.getMatchExpressions()).as("%s match expressions", owner).isNullOrEmpty();
			assertThat(selector.getMatchLabels()).as("%s selector", owner).isNotEmpty();
			assertThat(podLabels).as("pod labels, selected by the %s", owner)
				.containsAllEntriesOf(selector.getMatchLabels());
		});
		Map<String, String> serviceSelector = one(Service.class).getSpec().getSelector();
		assertThat(serviceSelector).isNotEmpty();
		assertThat(podLabels).as("pod labels, selected by the Service").containsAllEntriesOf(serviceSelector);
	}

	// the container

	@Test
	void theContainerRunsAsNonRootOnAReadOnlyRootWithoutPrivilegeEscalationAndWithLimits() throws IOException {
		PodSpec pod = podSpec();
		Container container = container();
		assertThat(pod.getContainers()).hasSize(1);
		assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
		assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
		assertThat(pod.getAutomountServiceAccountToken()).isFalse();
		assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
		assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
		assertThat(container.getSecurityContext().getPrivileged()).isNull();
		assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
		assertThat(container.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
		assertThat(container.getVolumeMounts()).extracting(VolumeMount::getMountPath)
			.containsExactlyInAnyOrder("/config", "/tmp");
		Volume tmp = volume(pod, "tmp");
		assertThat(tmp.getEmptyDir()).as("/tmp is writable").isNotNull();
		assertThat(volume(pod, configMount().getName()).getConfigMap().getName())
			.isEqualTo(one(ConfigMap.class).getMetadata().getName());
		Map<String, Quantity> requests = container.getResources().getRequests();
		Map<String, Quantity> limits = container.getResources().getLimits();
		assertThat(requests).containsOnlyKeys("cpu", "memory");
		assertThat(limits).containsOnlyKeys("cpu", "memory");
		assertThat(limits.get("memory")).as("memory limit = request: no overcommit for a JVM sized from it")
			.isEqualTo(requests.get("memory"));
		assertThat(Quantity.getAmountInBytes(limits.get("memory"))).isEqualByComparingTo("1073741824");
		assertThat(Quantity.getAmountInBytes(limits.get("cpu")))
			.isGreaterThan(Quantity.getAmountInBytes(requests.get("cpu")));
	}

	@Test
	void theContainerAsksForG1SinceTheJvmPicksSerialUnderItsMemoryLimit() throws IOException {
		Container container = container();
		assertThat(Quantity.getAmountInBytes(container.getResources().getLimits().get("memory")))
			.as("under 1792 MiB the JVM would pick Serial")
			.isLessThan(new BigDecimal(1792L * 1024 * 1024));
		assertThat(env(container, "JAVA_TOOL_OPTIONS").split(" ")).contains("-XX:+UseG1GC");
	}

	// reading the manifests

	/** A kustomization or a kustomize component: only the fields these files use. */
	record Kustomization(String apiVersion, String kind, List<String> resources, List<String> components,
			List<Image> images) {

		record Image(String name, String newName, String newTag) {
		}

	}

	/** Every YAML file under deploy/k8s, by its path there, as its typed objects. */
	private static Map<Path, List<Object>> manifests() throws IOException {
		Map<Path, List<Object>> manifests = new TreeMap<>();
		try (Stream<Path> files = Files.walk(K8S)) {
			for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
				assertThat(file.getFileName().toString()).as("%s is a manifest", file).endsWith(".yaml");
				List<Object> objects = new ArrayList<>();
				try (MappingIterator<JsonNode> documents = yaml.readValues(yaml.createParser(file.toFile()),
						JsonNode.class)) {
					while (documents.hasNext()) {
						JsonNode document = documents.next();
						String type = document.path("apiVersion").asString() + "/" + document.path("kind").asString();
						assertThat(TYPES).as("the type of %s", file).containsKey(type);
						objects.add(yaml.treeToValue(document, TYPES.get(type)));
					}
				}
				manifests.put(K8S.relativize(file), objects);
			}
		}
		return manifests;
	}

	private static <T> T one(Class<T> type) throws IOException {
		List<T> found = manifests().values()
			.stream()
			.flatMap(List::stream)
			.filter(type::isInstance)
			.map(type::cast)
			.toList();
		assertThat(found).as("%s manifests", type.getSimpleName()).hasSize(1);
		return found.get(0);
	}

	private static Kustomization kustomization(Path directory) throws IOException {
		return yaml.readValue(directory.resolve("kustomization.yaml").toFile(), Kustomization.class);
	}

	private static Set<String> manifestsIn(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter(Files::isRegularFile)
				.map((file) -> file.getFileName().toString())
				.filter((name) -> !name.equals("kustomization.yaml"))
				.collect(Collectors.toCollection(TreeSet::new));
		}
	}

	private static List<Path> subdirectories(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter(Files::isDirectory).sorted().toList();
		}
	}

	private static Deployment deployment() throws IOException {
		return one(Deployment.class);
	}

	private static PodSpec podSpec() throws IOException {
		return deployment().getSpec().getTemplate().getSpec();
	}

	private static Container container() throws IOException {
		List<Container> containers = podSpec().getContainers();
		assertThat(containers).extracting(Container::getName).containsExactly("sockeye");
		return containers.get(0);
	}

	private static Map<String, Probe> probes(Container container) {
		Map<String, Probe> probes = new LinkedHashMap<>();
		if (container.getStartupProbe() != null) {
			probes.put("startup", container.getStartupProbe());
		}
		if (container.getLivenessProbe() != null) {
			probes.put("liveness", container.getLivenessProbe());
		}
		if (container.getReadinessProbe() != null) {
			probes.put("readiness", container.getReadinessProbe());
		}
		return probes;
	}

	private static Map<String, Integer> containerPorts(Container container) {
		Map<String, Integer> ports = new TreeMap<>();
		for (ContainerPort port : container.getPorts()) {
			assertThat(ports.put(port.getName(), port.getContainerPort())).as("port %s named once", port.getName())
				.isNull();
		}
		return ports;
	}

	/** A port by number, or by the name of one of the container's ports. */
	private static int resolve(IntOrString port, Container container) {
		if (port.getIntVal() != null) {
			return port.getIntVal();
		}
		Integer named = containerPorts(container).get(port.getStrVal());
		assertThat(named).as("a container port named %s", port.getStrVal()).isNotNull();
		return named;
	}

	private static VolumeMount configMount() throws IOException {
		List<VolumeMount> mounts = container().getVolumeMounts()
			.stream()
			.filter((mount) -> mount.getMountPath().equals("/config"))
			.toList();
		assertThat(mounts).hasSize(1);
		assertThat(mounts.get(0).getReadOnly()).isTrue();
		assertThat(mounts.get(0).getSubPath()).as("a subPath mount would not see ConfigMap updates").isNull();
		return mounts.get(0);
	}

	private static Volume volume(PodSpec pod, String name) {
		return pod.getVolumes()
			.stream()
			.filter((volume) -> volume.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no volume " + name));
	}

	private static String env(Container container, String name) {
		return container.getEnv()
			.stream()
			.filter((variable) -> variable.getName().equals(name))
			.map(EnvVar::getValue)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no environment variable " + name));
	}

	// the ConfigMap's application.yml

	/** The ConfigMap's application.yml alone, as Spring Boot reads it. */
	private static StandardEnvironment configMapEnvironment() throws IOException {
		String applicationYml = one(ConfigMap.class).getData().get("application.yml");
		assertThat(applicationYml).isNotBlank();
		List<PropertySource<?>> documents = new YamlPropertySourceLoader().load("ConfigMap sockeye-config",
				new ByteArrayResource(applicationYml.getBytes()));
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		documents.forEach(environment.getPropertySources()::addLast);
		return environment;
	}

	private static SockeyeProperties sockeyeProperties(StandardEnvironment configuration) {
		return Binder.get(configuration).bind("sockeye", SockeyeProperties.class).get();
	}

	/** The listeners the ConfigMap configures, each with an explicit port. */
	private static Map<String, Integer> listenerPorts(StandardEnvironment configuration) {
		Map<String, Integer> ports = new TreeMap<>();
		sockeyeProperties(configuration).listeners().forEach((name, listener) -> {
			assertThat(configuration.containsProperty("sockeye.listeners." + name + ".port"))
				.as("listener %s is configured, not Sockeye's default", name)
				.isTrue();
			ports.put(name, listener.port());
		});
		return ports;
	}

	// unknown fields

	/**
	 * The paths of the fields fabric8 kept aside as additional properties: fields the
	 * Kubernetes API does not have, such as a misspelt one, which the API server would
	 * drop or reject.
	 */
	static List<String> unknownFields(Object value, String path) {
		List<String> unknown = new ArrayList<>();
		if (value instanceof Collection<?> collection) {
			int i = 0;
			for (Object element : collection) {
				unknown.addAll(unknownFields(element, path + "[" + i++ + "]"));
			}
		}
		else if (value instanceof Map<?, ?> map) {
			map.forEach((key, element) -> unknown.addAll(unknownFields(element, join(path, String.valueOf(key)))));
		}
		else if (value != null && isModel(value.getClass())) {
			for (Method getter : value.getClass().getMethods()) {
				if (isProperty(getter)) {
					Object property = invoke(getter, value);
					if (getter.getName().equals("getAdditionalProperties")) {
						((Map<?, ?>) property).keySet().forEach((key) -> unknown.add(join(path, String.valueOf(key))));
					}
					else {
						unknown.addAll(unknownFields(property, join(path, propertyName(getter))));
					}
				}
			}
		}
		unknown.sort(null);
		return unknown;
	}

	private static boolean isModel(Class<?> type) {
		return type.getName().startsWith("io.fabric8.kubernetes.api.model.");
	}

	private static boolean isProperty(Method method) {
		Class<?> type = method.getReturnType();
		return method.getName().startsWith("get") && method.getParameterCount() == 0
				&& !Modifier.isStatic(method.getModifiers())
				&& (isModel(type) || Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type));
	}

	private static String propertyName(Method getter) {
		String name = getter.getName().substring(3);
		return Character.toLowerCase(name.charAt(0)) + name.substring(1);
	}

	private static Object invoke(Method getter, Object target) {
		try {
			return getter.invoke(target);
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException(getter.toString(), ex);
		}
	}

	private static String join(String path, String name) {
		return path.isEmpty() ? name : path + "." + name;
	}

}
