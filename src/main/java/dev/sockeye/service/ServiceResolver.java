package dev.sockeye.service;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.ResolvableType;
import org.springframework.stereotype.Component;

/**
 * Finds the service a listener names: a built-in ({@code echo}, {@code reply}) or a bean
 * of the application context, which may be a {@link SockeyeService}, a
 * {@code Function<byte[], byte[]>} or a {@code Function<String, String>}.
 */
@Component
public class ServiceResolver {

	/** The name of the built-in echo service. */
	public static final String ECHO = "echo";

	/** The name of the built-in reply service. */
	public static final String REPLY = "reply";

	private static final ResolvableType BYTES_FUNCTION = ResolvableType.forClassWithGenerics(Function.class,
			byte[].class, byte[].class);

	private static final ResolvableType STRING_FUNCTION = ResolvableType.forClassWithGenerics(Function.class,
			String.class, String.class);

	private final ListableBeanFactory beans;

	/**
	 * @param beans where services are looked up by name
	 */
	public ServiceResolver(ListableBeanFactory beans) {
		this.beans = beans;
	}

	/**
	 * @param name the service name from the listener's configuration
	 * @param echoPrefix the prefix for the built-in echo service
	 * @param replyText the reply of the built-in reply service; {@code null} when not
	 * configured
	 * @return the service, or empty when there is no such built-in or bean, the bean is
	 * of another type, or the reply service has no reply text
	 */
	@SuppressWarnings("unchecked")
	public Optional<SockeyeService> resolve(String name, String echoPrefix, String replyText) {
		if (this.beans.containsBean(name)) {
			if (this.beans.isTypeMatch(name, SockeyeService.class)) {
				return Optional.of(this.beans.getBean(name, SockeyeService.class));
			}
			if (this.beans.isTypeMatch(name, BYTES_FUNCTION)) {
				return Optional.of(FunctionService.ofBytes(this.beans.getBean(name, Function.class)));
			}
			if (this.beans.isTypeMatch(name, STRING_FUNCTION)) {
				return Optional.of(FunctionService.ofStrings(this.beans.getBean(name, Function.class)));
			}
			return Optional.empty();
		}
		if (ECHO.equals(name)) {
			return Optional.of(new EchoService(echoPrefix));
		}
		if (REPLY.equals(name) && replyText != null) {
			return Optional.of(new ReplyService(replyText));
		}
		return Optional.empty();
	}

	/**
	 * @return the names a listener could use: the built-ins and every bean of a service
	 * type, for error messages
	 */
	public String[] candidates() {
		String[] services = this.beans.getBeanNamesForType(SockeyeService.class);
		String[] bytes = this.beans.getBeanNamesForType(BYTES_FUNCTION);
		String[] strings = this.beans.getBeanNamesForType(STRING_FUNCTION);
		return Stream.of(new String[] { ECHO, REPLY, "relay" }, services, bytes, strings)
			.flatMap(Arrays::stream)
			.distinct()
			.sorted()
			.toArray(String[]::new);
	}

}
