/* SPDX-License-Identifier: ISC */
/*
 * dns_xfer on a kept session (dns_pipe): the query goes on the session,
 * an answer with its id but another question is ignored as bogus, the
 * right one ends the exchange; and a query in flight when the session
 * ends is sent again the usual way (UDP, to a socket of the test's on
 * 127.0.0.1), and answered there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/dns_pipe.h"
#include "dns/dns_wire.h"
#include "dns/dns_xfer.h"

struct outcome {
	int	 calls;
	int	 had_msg;
	int	 piped;
	unsigned bogus;
};

static struct dns_pipe *cur;

static void
on_end(void *arg, int err)
{
	(void)arg;
	(void)err;
	dns_pipe_free(cur, "ended");
	cur = NULL;
}

static void
done(void *arg, const struct dns_xfer_result *res)
{
	struct outcome *o = arg;

	o->calls++;
	o->had_msg = res->msg != NULL;
	o->piped = res->piped;
	o->bogus = res->err.bogus;
}

static void
run(struct event_base *base)
{
	int i;

	for (i = 0; i < 20; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

/* The answer to QUERY (a message, no length): QR set, the question as
 * asked. */
static size_t
answer_of(const uint8_t *query, size_t len, uint8_t *out)
{
	memcpy(out, query, len);
	out[2] |= 0x80;			/* QR */
	return len;
}

/* A query's message in the wire, with ID, for NAME SOA. */
static size_t
wire(const char *name, uint16_t id, uint8_t *out)
{
	struct dns_query	 q;
	uint8_t			*msg;
	size_t			 len;

	memset(&q, 0, sizeof(q));
	q.qname = name;
	q.qtype = 6;
	q.qclass = 1;
	q.id = id;
	assert_int_equal(dns_wire_query(&q, &msg, &len), 0);
	memcpy(out, msg, len);
	free(msg);
	return len;
}

/* One length-prefixed message from the server end of the session. */
static size_t
read_framed(int fd, uint8_t *msg)
{
	uint8_t	hdr[2];
	size_t	len;

	assert_int_equal(read(fd, hdr, 2), 2);
	len = (size_t)hdr[0] << 8 | hdr[1];
	assert_int_equal(read(fd, msg, len), (ssize_t)len);
	return len;
}

static void
write_framed(int fd, const uint8_t *msg, size_t len)
{
	uint8_t buf[600];

	buf[0] = (uint8_t)(len >> 8);
	buf[1] = (uint8_t)len;
	memcpy(buf + 2, msg, len);
	assert_int_equal(write(fd, buf, len + 2), (ssize_t)(len + 2));
}

static void
test_on_session_and_fallback(void **state)
{
	struct event_base	*base = event_base_new();
	struct dns_xfer_conf	 xc;
	struct dns_query	 q;
	struct hc_result	 err;
	struct outcome		 o;
	struct dns_xfer		*x;
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	struct addr		 lo;
	uint8_t			 msg[512], ans[512];
	size_t			 len;
	ssize_t			 n;
	uint16_t		 id;
	int			 sv[2], udp;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	cur = dns_pipe_new(base, sv[0], on_end, NULL);
	/* The usual way: UDP to 127.0.0.1, a port of ours. */
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(udp, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(udp, (struct sockaddr *)&sin, &slen), 0);
	assert_int_equal(util_parse_addr("127.0.0.1", &lo), 0);
	memset(&xc, 0, sizeof(xc));
	xc.target = &lo;
	xc.port = ntohs(sin.sin_port);
	xc.pipe = cur;
	memset(&q, 0, sizeof(q));
	q.qname = "example.test.";
	q.qtype = 6;
	q.qclass = 1;
	q.id = 0x4242;

	/* On the session: a bogus answer (same id, other question) is
	 * ignored, the right one ends it. */
	memset(&o, 0, sizeof(o));
	x = dns_xfer_start(base, &xc, &q, done, &o, &err);
	assert_non_null(x);
	len = read_framed(sv[1], msg);
	id = (uint16_t)(msg[0] << 8 | msg[1]);
	len = wire("other.test.", id, ans);
	ans[2] |= 0x80;
	write_framed(sv[1], ans, len);
	run(base);
	assert_int_equal(o.calls, 0);
	len = wire("example.test.", id, msg);
	write_framed(sv[1], ans, answer_of(msg, len, ans));
	run(base);
	assert_int_equal(o.calls, 1);
	assert_true(o.had_msg);
	assert_true(o.piped);
	assert_int_equal(o.bogus, 1);
	dns_xfer_free(x);

	/* In flight when the server closes the session: asked again over
	 * UDP, answered there. */
	memset(&o, 0, sizeof(o));
	x = dns_xfer_start(base, &xc, &q, done, &o, &err);
	assert_non_null(x);
	len = read_framed(sv[1], msg);
	close(sv[1]);
	run(base);
	assert_null(cur);		/* the owner freed the pipe */
	assert_int_equal(o.calls, 0);
	slen = sizeof(sin);
	n = recvfrom(udp, msg, sizeof(msg), MSG_DONTWAIT,
	    (struct sockaddr *)&sin, &slen);
	assert_int_equal(n, (ssize_t)len);
	assert_int_equal(sendto(udp, ans, answer_of(msg, len, ans), 0,
	    (struct sockaddr *)&sin, slen), (ssize_t)len);
	run(base);
	assert_int_equal(o.calls, 1);
	assert_true(o.had_msg);
	assert_false(o.piped);
	dns_xfer_free(x);
	close(udp);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_on_session_and_fallback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
