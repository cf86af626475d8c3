package dev.sockeye.tls;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;

/**
 * What one version of an SSL bundle gives a connection: its context (key, certificate,
 * trust) and the protocols and ciphers to enable. Protocols default to TLS 1.3 and 1.2
 * when the bundle names none.
 *
 * @param context the bundle's SSL context, built once per bundle version
 * @param protocols the protocols to enable
 * @param ciphers the cipher suites to enable, or {@code null} for the JDK's defaults
 */
record TlsMaterial(SSLContext context, String[] protocols, String[] ciphers) {

	/**
	 * Enabled when a bundle names no protocols: TLS 1.1 and older are refused even where
	 * the JDK would allow them.
	 */
	static final Set<String> DEFAULT_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

	static TlsMaterial of(SslBundle bundle) {
		SSLContext context = bundle.createSslContext();
		SslOptions options = bundle.getOptions();
		String[] protocols = options.getEnabledProtocols();
		if (protocols == null) {
			Set<String> supported = new LinkedHashSet<>(
					Arrays.asList(context.getSupportedSSLParameters().getProtocols()));
			supported.retainAll(DEFAULT_PROTOCOLS);
			protocols = supported.toArray(String[]::new);
		}
		return new TlsMaterial(context, protocols, options.getCiphers());
	}

	/** Applies the protocols and ciphers to {@code parameters}. */
	SSLParameters configure(SSLParameters parameters) {
		parameters.setProtocols(this.protocols);
		if (this.ciphers != null) {
			parameters.setCipherSuites(this.ciphers);
		}
		return parameters;
	}

}
