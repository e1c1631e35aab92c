/* SPDX-License-Identifier: ISC */
/*
 * The dot check: DNS over TLS (RFC 7858), port 853.  One probe is one
 * connection: the TCP connect, the TLS handshake (libevent's
 * bufferevent_openssl) with the server's certificate verified against
 * ca-file or the system's store and matched to tls-name, else to the
 * server's IP address (RFC 8310 8.1), then one query framed by its
 * 2-byte length (RFC 7858 3.3, RFC 1035 4.2.2), whose answer is judged
 * as the dns check judges its main answer (check_dns.h, dns_wire.h,
 * dns_judge.h).  One deadline, the check's timeout, covers all of it.
 *
 * Its settings are the dns check's (check_conf.u.dns and its keywords)
 * and its own behind check_conf.own: tls-name, ca-file, and the TLS
 * context made from them when the config is read, so a reload reads
 * the CA file again.  finish refuses what needs more than one query.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "check/check_dns.h"
#include "check/check_sock.h"
#include "conf/conf_int.h"
#include "dns/dns_judge.h"
#include "dns/dns_wire.h"
#include "check/hc.h"

struct dot_conf {
	char	*tls_name;	/* NULL: the server's IP address */
	char	*ca_file;	/* NULL: the system's store */
	SSL_CTX	*ctx;		/* made by finish (or ca-file) */
};

static struct dot_conf *
own(const struct check_conf *ck)
{
	return ck->own;
}

/* ---- the TLS context ---- */

static SSL_CTX *
ctx_new(void)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		fatalx_oom();
	/* RFC 8310 9 (BCP 195): nothing older than TLS 1.2. */
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return ctx;
}

/* The certificates of the PEM text BUF into CTX's store; how many. */
static int
ctx_load_pem(SSL_CTX *ctx, const char *buf, size_t len)
{
	X509_STORE	*store = SSL_CTX_get_cert_store(ctx);
	BIO		*bio;
	X509		*x;
	int		 n = 0;

	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL)
		fatalx_oom();
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (X509_STORE_add_cert(store, x) == 1)
			n++;
		X509_free(x);
	}
	ERR_clear_error();	/* the end of the text reads as an error */
	BIO_free(bio);
	return n;
}

/*
 * The system's CAs: OpenSSL's certificate directory (SSL_CERT_DIR, else
 * /etc/ssl/certs on Debian), whose hashed names are looked up as a
 * chain needs them.  Not SSL_CTX_set_default_verify_paths(): it also
 * parses the whole bundle file at once, 20 ms and 0.9 MB a check.
 */
static int
ctx_load_system(SSL_CTX *ctx)
{
	const char *dir = getenv(X509_get_default_cert_dir_env());

	if (dir == NULL || dir[0] == '\0')
		dir = X509_get_default_cert_dir();
	return SSL_CTX_load_verify_dir(ctx, dir) == 1 ? 0 : -1;
}

/* ---- keywords ---- */

/* tls-name "NAME"; the name the certificate must carry (RFC 6125). */
static int
kw_tls_name(struct parser *p, void *ctx, const struct tok *kw)
{
	struct dot_conf	*d = own(((struct check_ctx *)ctx)->check);
	char		*s, *name;

	if (conf_string_arg(p, &name, "the host name in quotes") == -1)
		return -1;
	for (s = name; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && *s != '-' && *s != '.')
			break;
	if (*s != '\0' || name[0] == '\0' || name[0] == '.' ||
	    strlen(name) > 253) {
		conf_error(p, &kw->pos, "tls-name \"%.80s\" is not a host "
		    "name", name);
		free(name);
		return -1;
	}
	for (s = name; *s; s++)		/* RFC 4343: case does not matter */
		*s = (char)tolower((unsigned char)*s);
	d->tls_name = name;
	return conf_semi(p);
}

/*
 * ca-file "PATH"; read now, as the config is, and again at each reload.
 * Absolute: the canonical print, which reloads compare, must name the
 * same file wherever the config that says it lives.
 */
static int
kw_ca_file(struct parser *p, void *ctx, const struct tok *kw)
{
	struct dot_conf	*d = own(((struct check_ctx *)ctx)->check);
	char		*buf, err[256];
	size_t		 len;
	int		 n;

	if (conf_string_arg(p, &d->ca_file, "a file name in quotes") == -1)
		return -1;
	if (d->ca_file[0] != '/')
		return conf_error(p, &kw->pos, "ca-file: %.80s: not an "
		    "absolute path", d->ca_file);
	if (conf_read_file(d->ca_file, &buf, &len, err, sizeof(err)) == -1)
		return conf_error(p, &kw->pos, "ca-file: %s", err);
	d->ctx = ctx_new();
	n = ctx_load_pem(d->ctx, buf, len);
	free(buf);
	if (n == 0)
		return conf_error(p, &kw->pos, "ca-file: %.80s: no PEM "
		    "certificate in it", d->ca_file);
	return conf_semi(p);
}

static const struct keyword dot_keywords[] = {
	{ "tls-name", kw_tls_name, 0, 0 },
	{ "ca-file", kw_ca_file, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

/* ---- defaults, what a block needs, print, free ---- */

static void
dot_init(struct check_conf *ck)
{
	check_dns_init(ck);
	ck->u.dns.port = 853;	/* RFC 7858 3.1 */
	ck->own = xcalloc(1, sizeof(struct dot_conf));
}

/* What the dns check asks with more queries than the one of a probe. */
static const char *
more_than_one(const struct dns_check_conf *c)
{
	if (c->tcp)
		return "tcp";
	if (c->nzones)
		return "zones";
	if (c->serial_primary.family)
		return "expect serial from";
	if (c->expect_id_server)
		return "expect id.server";
	if (c->servfail_name)
		return "expect servfail";
	if (c->expect_dnskey)
		return "expect dnskey";
	/* The served serial comes from the answer: the zone's SOA. */
	if (c->serial_age && (c->qtype != 6 || c->qclass != 1 ||
	    (c->zone != NULL && strcmp(c->zone, c->qname) != 0)))
		return "expect serial age of another zone than the query's "
		    "SOA";
	return NULL;
}

static int
dot_finish(struct parser *p, struct check_conf *ck)
{
	struct dot_conf	*d = own(ck);
	const char	*no;

	if (check_dns_finish(p, ck) == -1)
		return -1;
	if ((no = more_than_one(&ck->u.dns)) != NULL)
		return conf_error(p, &ck->pos, "check %s: %s is not for a dot "
		    "check, which asks one query over one TLS connection (a "
		    "dns check beside it can)", ck->name, no);
	if (d->ctx == NULL) {
		d->ctx = ctx_new();
		if (ctx_load_system(d->ctx) == -1)
			return conf_error(p, &ck->pos, "check %s: the system's "
			    "CA directory: %s", ck->name,
			    ERR_reason_error_string(ERR_get_error()));
	}
	return 0;
}

static void
dot_print(FILE *f, const char *ind, const struct check_conf *ck)
{
	const struct dot_conf *d = own(ck);

	check_dns_print(f, ind, ck);
	if (d->tls_name) {
		fprintf(f, "%stls-name ", ind);
		conf_print_string(f, d->tls_name);
		fprintf(f, ";\n");
	}
	if (d->ca_file) {
		fprintf(f, "%sca-file ", ind);
		conf_print_string(f, d->ca_file);
		fprintf(f, ";\n");
	}
}

static void
dot_free(struct check_conf *ck)
{
	struct dot_conf *d = own(ck);

	check_dns_free(ck);
	if (d == NULL)
		return;
	free(d->tls_name);
	free(d->ca_file);
	SSL_CTX_free(d->ctx);
	free(d);
	ck->own = NULL;
}

/* "192.0.2.1 port 853 tls-name dns.example.test" */
static void
dot_target(const struct hc_check *ck, char *buf, size_t len)
{
	const struct dot_conf	*d = own(ck->conf);
	char			 a[64];

	snprintf(buf, len, "%s port %u%s%s", util_fmt_addr(&ck->target, a,
	    sizeof(a)), ck->conf->u.dns.port, d->tls_name ? " tls-name " : "",
	    d->tls_name ? d->tls_name : "");
}

/* ---- the probe ---- */

struct dot_probe {
	struct hc_check		*ck;
	int			 fd;		/* until the TLS layer owns it */
	struct event		*connecting;
	struct event		*quickack;	/* beside the TLS layer's read */
	struct event		*deadline;
	struct bufferevent	*bev;		/* owns the SSL and the fd */
	SSL			*ssl;
	const char		*phase;		/* what the deadline stops */
	uint16_t		 id;
	unsigned		 bogus;
};

static void
probe_free(struct dot_probe *p)
{
	if (p->connecting != NULL)
		event_free(p->connecting);
	if (p->quickack != NULL)
		event_free(p->quickack);
	event_free(p->deadline);
	if (p->bev != NULL)
		bufferevent_free(p->bev);
	if (p->fd != -1)
		close(p->fd);
	free(p);
}

static void
conclude(struct dot_probe *p, struct hc_result *res)
{
	struct hc_check *ck = p->ck;

	res->bogus = p->bogus;
	probe_free(p);
	ck->probe = NULL;
	hc_report(ck, res);
}

static int
rank(enum hc_status s)
{
	return s == HC_FAIL ? 2 : s == HC_DEGRADED ? 1 : 0;
}

/* RES becomes V when V is worse: the first of the worst stays. */
static void
worst(struct hc_result *res, const struct hc_result *v)
{
	uint64_t rtt = res->rtt_us;

	if (rank(v->status) > rank(res->status)) {
		*res = *v;
		res->rtt_us = rtt;
	}
}

/* What the dns check judges of its main answer beyond dns_wire_judge. */
static void
judge_more(struct hc_check *ck, const uint8_t *msg, size_t len,
    struct hc_result *res)
{
	const struct dns_check_conf	*c = &ck->conf->u.dns;
	struct hc_result		 v, p95;
	uint32_t			 serial;
	int64_t				 now = (int64_t)time(NULL);

	if (c->expect_validated) {
		memset(&v, 0, sizeof(v));
		dns_judge_validated(msg, len, &v);
		worst(res, &v);
	}
	if (c->expect_rrsig) {
		memset(&v, 0, sizeof(v));
		dns_judge_rrsig(msg, len, c->qname, c->qtype, now,
		    c->rrsig_valid, c->rrsig_down ? HC_FAIL : HC_DEGRADED, &v);
		worst(res, &v);
	}
	if (c->serial_age) {
		memset(&v, 0, sizeof(v));
		if (dns_judge_soa_serial(msg, len, c->qname, &serial, &v) == 0)
			dns_judge_serial_age(serial, now, c->serial_age,
			    c->serial_age_down ? HC_FAIL : HC_DEGRADED, &v);
		worst(res, &v);
	}
	memset(&v, 0, sizeof(v));
	memset(&p95, 0, sizeof(p95));
	check_dns_latency(ck, res->rtt_us, &v, &p95);
	worst(res, &v);
	worst(res, &p95);
}

/*
 * One framed message in the input, judged; 0 while the answer is not
 * whole yet or was not ours (counted, the server may still answer).
 */
static int
answer(struct dot_probe *p, struct hc_result *res)
{
	const struct check_conf	*cc = p->ck->conf;
	struct evbuffer		*in = bufferevent_get_input(p->bev);
	struct dns_query	 q;
	struct dns_expect	 e;
	uint8_t			 hdr[2], *msg;
	size_t			 n;
	int			 tc;

	while (evbuffer_get_length(in) >= 2) {
		evbuffer_copyout(in, hdr, 2);
		n = (size_t)hdr[0] << 8 | hdr[1];
		if (evbuffer_get_length(in) < n + 2)
			return 0;
		evbuffer_drain(in, 2);
		msg = xmalloc(n ? n : 1);
		evbuffer_remove(in, msg, n);
		check_dns_query(&cc->u.dns, p->id, &q, &e);
		memset(res, 0, sizeof(*res));
		dns_wire_judge(msg, n, &q, &e, res, &tc, NULL);
		if (res->reason == HC_R_BOGUS_ID ||
		    res->reason == HC_R_BOGUS_QUESTION) {
			p->bogus++;
			free(msg);
			continue;
		}
		res->rtt_us = hc_elapsed_us(p->ck);
		if (res->status == HC_OK)
			judge_more(p->ck, msg, n, res);
		free(msg);
		return 1;
	}
	return 0;
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct dot_probe	*p = arg;
	struct hc_result	 res;

	(void)bev;
	if (answer(p, &res))
		conclude(p, &res);
}

/* Why the connection ended: the certificate, TLS, the server, a socket. */
static void
failed(struct dot_probe *p, short what, struct hc_result *res)
{
	int		 err = EVUTIL_SOCKET_ERROR();	/* before any call */
	long		 v = SSL_get_verify_result(p->ssl);
	unsigned long	 e = bufferevent_get_openssl_error(p->bev);

	memset(res, 0, sizeof(*res));
	if (v != X509_V_OK)
		hc_result_set(res, HC_FAIL, HC_R_TLS, "TLS: certificate verify "
		    "failed: %s", X509_verify_cert_error_string(v));
	else if (e != 0)
		hc_result_set(res, HC_FAIL, HC_R_TLS, "TLS: %s",
		    ERR_reason_error_string(e));
	else if ((what & BEV_EVENT_EOF) && strcmp(p->phase, "answer") == 0)
		hc_result_set(res, HC_FAIL, HC_R_MALFORMED, "connection "
		    "closed before the whole answer");
	else if (what & BEV_EVENT_EOF)
		hc_result_set(res, HC_FAIL, HC_R_TLS, "TLS: the server closed "
		    "the connection in the handshake");
	else
		check_sock_error(err ? err : EIO, p->phase, res);
	while (bufferevent_get_openssl_error(p->bev) != 0)
		;
	ERR_clear_error();
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct dot_probe	*p = arg;
	struct hc_result	 res;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		p->phase = "answer";
		return;
	}
	failed(p, what, &res);
	conclude(p, &res);
}

/* The query, framed, waiting in the output for the handshake's end. */
static int
send_query(struct dot_probe *p, struct hc_result *res)
{
	struct dns_query	 q;
	struct dns_expect	 e;
	uint8_t			*wire, *framed;
	size_t			 len;

	p->id = (uint16_t)util_random();
	check_dns_query(&p->ck->conf->u.dns, p->id, &q, &e);
	if (dns_wire_query(&q, &wire, &len) == -1) {
		hc_result_set(res, HC_FAIL, HC_R_SOCKET, "query: cannot "
		    "build it");
		return -1;
	}
	/* The length and the message in one write, so in one TLS record
	 * and one segment (RFC 7766 8). */
	framed = xmalloc(len + 2);
	framed[0] = (uint8_t)(len >> 8);
	framed[1] = (uint8_t)len;
	memcpy(framed + 2, wire, len);
	bufferevent_write(p->bev, framed, len + 2);
	free(framed);
	free(wire);
	return 0;
}

/* The name to verify: tls-name, else the address (RFC 8310 8.1). */
static void
verify_name(SSL *ssl, const struct dot_conf *d, const struct addr *a)
{
	X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);

	if (d->tls_name != NULL) {
		SSL_set_tlsext_host_name(ssl, d->tls_name);	/* SNI */
		SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		SSL_set1_host(ssl, d->tls_name);
	} else if (a->family == AF_INET)
		X509_VERIFY_PARAM_set1_ip(vp, (const unsigned char *)&a->u.v4,
		    4);
	else
		X509_VERIFY_PARAM_set1_ip(vp, (const unsigned char *)&a->u.v6,
		    16);
}

/*
 * Whatever arrives is ACKed at once.  A TLS 1.3 server sends its session
 * tickets after the handshake and then the answer; a server with Nagle's
 * algorithm on (Unbound) holds the answer until the tickets are ACKed,
 * which a delayed ACK makes 40 ms.  Setting TCP_QUICKACK sends the ACK
 * the kernel was delaying (tcp(7)).
 */
static void
quickack(evutil_socket_t fd, short what, void *arg)
{
	int one = 1;

	(void)what;
	(void)arg;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

/* TCP is up (or failed): the TLS handshake and the query follow. */
static void
connected(evutil_socket_t fd, short what, void *arg)
{
	struct dot_probe	*p = arg;
	struct hc_result	 res;

	(void)what;
	memset(&res, 0, sizeof(res));
	if (check_sock_connected(fd, "connect", &res) == -1) {
		conclude(p, &res);
		return;
	}
	if ((p->ssl = SSL_new(own(p->ck->conf)->ctx)) == NULL)
		fatalx_oom();
	verify_name(p->ssl, own(p->ck->conf), &p->ck->target);
	p->bev = bufferevent_openssl_socket_new(p->ck->svc->engine->base, fd,
	    p->ssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (p->bev == NULL)
		fatalx_oom();
	p->fd = -1;
	p->quickack = event_new(p->ck->svc->engine->base, fd,
	    EV_READ | EV_PERSIST, quickack, NULL);
	if (p->quickack == NULL)
		fatalx_oom();
	event_add(p->quickack, NULL);
	p->phase = "TLS handshake";
	bufferevent_setcb(p->bev, read_cb, NULL, event_cb, p);
	bufferevent_enable(p->bev, EV_READ | EV_WRITE);
	if (send_query(p, &res) == -1)
		conclude(p, &res);
}

static void
deadline(evutil_socket_t fd, short what, void *arg)
{
	struct dot_probe	*p = arg;
	struct hc_result	 res;
	char			 d[32];

	(void)fd;
	(void)what;
	util_fmt_duration(p->ck->conf->timeout, d, sizeof(d));
	memset(&res, 0, sizeof(res));
	hc_result_set(&res, HC_FAIL, HC_R_TIMEOUT, "%s: timeout after %s",
	    p->phase, d);
	conclude(p, &res);
}

static void
dot_start(struct hc_check *ck)
{
	const struct dns_check_conf	*c = &ck->conf->u.dns;
	struct event_base		*base = ck->svc->engine->base;
	struct dot_probe		*p;
	struct hc_result		 res;
	struct timeval			 tv = util_tv(ck->conf->timeout);

	memset(&res, 0, sizeof(res));
	p = xcalloc(1, sizeof(*p));
	p->ck = ck;
	p->phase = "connect";
	if ((p->connecting = check_sock_connect(base, &ck->target, c->port,
	    &c->source, NULL, connected, p, &res)) == NULL) {
		free(p);
		hc_report(ck, &res);
		return;
	}
	p->fd = event_get_fd(p->connecting);
	if ((p->deadline = evtimer_new(base, deadline, p)) == NULL)
		fatalx_oom();
	ck->probe = p;
	evtimer_add(p->deadline, &tv);
}

static void
dot_cancel(struct hc_check *ck)
{
	if (ck->probe)
		probe_free(ck->probe);
	ck->probe = NULL;
}

/* ---- the descriptor (check_desc.h) ---- */

static const struct hc_ops dot_ops = {
	.start = dot_start,
	.cancel = dot_cancel,
	.state_free = check_dns_state_free,	/* the p95 window */
};

const struct check_desc check_desc_dot = {
	.name = "dot",
	.flags = CT_BLOCK,
	/* A probe is three round trips (TCP, TLS 1.3, the query) and a
	 * handshake's signatures, on a new connection each time. */
	.interval = 1000,
	.timeout = 500,
	.rise = CONF_DEFAULT_RISE,
	.fall = CONF_DEFAULT_FALL,
	.keywords = { dot_keywords, check_dns_keywords },
	.init = dot_init,
	.finish = dot_finish,
	.print = dot_print,
	.free = dot_free,
	.net = check_dns_net,
	.target = dot_target,
	.ops = &dot_ops,
};
