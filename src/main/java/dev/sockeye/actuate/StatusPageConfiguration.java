package dev.sockeye.actuate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.util.StreamUtils;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The status page, at {@code /} of the server that serves the actuator: the application's
 * own when they share a port, the management server when {@code management.server.port}
 * sets one apart (then the application's port serves no page, and the page reaches the
 * actuator on its own origin). Listed in
 * {@code META-INF/spring/...ManagementContextConfiguration.imports}, never
 * component-scanned, so Spring Boot puts it in whichever context that is.
 */
@ManagementContextConfiguration(proxyBeanMethods = false)
class StatusPageConfiguration {

	private static final String LOCATION = "sockeye/status-page/";

	@Bean
	RouterFunction<ServerResponse> sockeyeStatusPage(WebEndpointProperties endpoints) {
		// the page fetches the actuator relative to itself: "actuator" for the default
		// base path
		String actuator = endpoints.getBasePath().replaceFirst("^/", "");
		String page = read(LOCATION + "index.html").replace("{{actuator}}",
				HtmlUtils.htmlEscape(actuator.isEmpty() ? "." : actuator));
		return RouterFunctions.route()
			.GET("/",
					(request) -> ServerResponse.ok()
						.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
						.cacheControl(CacheControl.noCache())
						.body(page))
			.build()
			.and(RouterFunctions.resources("/status-page/**", new ClassPathResource(LOCATION)));
	}

	@Bean
	StatusPageAnnouncer sockeyeStatusPageAnnouncer() {
		return new StatusPageAnnouncer();
	}

	private static String read(String path) {
		try {
			return StreamUtils.copyToString(new ClassPathResource(path).getInputStream(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The status page is missing from the jar: " + path, ex);
		}
	}

}
