package dev.sockeye;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules that keep the request path readable off the tree (see
 * docs/architecture.md).
 */
class ArchitectureTests {

	private static final JavaClasses MAIN = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.sockeye");

	@Test
	void noPackageDependsOnItselfThroughOthers() {
		slices().matching("dev.sockeye.(**)").should().beFreeOfCycles().check(MAIN);
	}

	@Test
	void framingMetricsProxyAndTlsImportNoOtherSockeyePackage() {
		for (String leaf : new String[] { "framing", "metrics", "proxy", "tls" }) {
			noClasses().that()
				.resideInAPackage("dev.sockeye." + leaf + "..")
				.should()
				.dependOnClassesThat(
						resideInAPackage("dev.sockeye..").and(not(resideInAPackage("dev.sockeye." + leaf + ".."))))
				.check(MAIN);
		}
	}

	@Test
	void springIntegrationTcpConnectionTypesStayInTransportClientRelayAndTls() {
		noClasses().that()
			.resideOutsideOfPackages("dev.sockeye.listener.transport..", "dev.sockeye.client..", "dev.sockeye.relay..",
					"dev.sockeye.tls..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.integration.ip.tcp.connection..")
			.check(MAIN);
	}

	@Test
	void proxyImportsNoSpring() {
		noClasses().that()
			.resideInAPackage("dev.sockeye.proxy..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework..")
			.check(MAIN);
	}

	@Test
	void benchImportsNeitherListenerNorSpring() {
		noClasses().that()
			.resideInAPackage("dev.sockeye.bench..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.sockeye.listener..", "org.springframework..")
			.check(MAIN);
	}

}
