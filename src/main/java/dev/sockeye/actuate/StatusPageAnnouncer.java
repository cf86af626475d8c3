package dev.sockeye.actuate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Logs where the status page is once the web server that serves it listens (it lives in
 * that server's context), so that an operator who reads the start-up log finds it.
 */
final class StatusPageAnnouncer implements ApplicationListener<WebServerInitializedEvent> {

	private static final Log logger = LogFactory.getLog(StatusPageAnnouncer.class);

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		logger.info("Status page: http://localhost:" + event.getWebServer().getPort() + "/");
	}

}
