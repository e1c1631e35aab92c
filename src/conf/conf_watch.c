/* SPDX-License-Identifier: ISC */
/*
 * The grammar of `watch` statements in a check block (`immediate`
 * is a row of conf_checks.c).  A watch belongs to a check, not to the service: what it
 * fails is that check, so the check's rise count is what brings it back,
 * its name is what the reasons say, and in router mode a watch on a
 * backend's check fails only that backend.
 *
 *	watch process pidfile "/run/nsd/nsd.pid";
 *	watch process unit "nsd.service";
 *	watch listener udp|tcp [ADDR] [port N];
 *	watch tcp-session;
 *	immediate on|off;
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_int.h"

#define CONF_WATCHES_MAX	8

static struct watch_conf *
watch_add(struct check_conf *ck, enum watch_type type, const struct tok *kw)
{
	struct watch_conf *w = xcalloc(1, sizeof(*w)), **tail;

	w->type = type;
	w->pos = kw->pos;
	for (tail = &ck->watches; *tail; tail = &(*tail)->next)
		;
	*tail = w;
	return w;
}

/*
 * A service unit's name as systemd spells it (systemd.unit(5)): letters,
 * digits and ":-_.\\", an optional "@instance", ".service" at the end.
 */
static int
unit_name_ok(const char *s)
{
	size_t	len = strlen(s), sfx = strlen(".service");
	size_t	i;

	if (len <= sfx || len > 255 || strcmp(s + len - sfx, ".service") != 0 ||
	    s[0] == '@' || s[0] == '.')
		return 0;
	for (i = 0; i < len - sfx; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    strchr(":-_.\\@", s[i]) != NULL))
			return 0;
	return strchr(s, '@') == strrchr(s, '@');
}

/* process unit "NAME.service" */
static int
watch_unit(struct parser *p, struct watch_conf *w)
{
	if (conf_string_arg(p, &w->unit, "a unit name in quotes") == -1)
		return -1;
#ifndef HAVE_SYSTEMD
	return conf_error(p, &w->pos, "watch process unit: this anycastd was "
	    "built without systemd (libsystemd); use watch process pidfile");
#endif
	if (!unit_name_ok(w->unit))
		return conf_error(p, &w->pos, "watch process unit: \"%s\" is "
		    "not a service unit name (NAME.service)", w->unit);
	return conf_semi(p);
}

/* process pidfile "PATH" | process unit "NAME.service" */
static int
watch_process(struct parser *p, struct watch_conf *w)
{
	static const char *const how[] = { "pidfile", "unit", NULL };

	switch (conf_choice(p, how, "pidfile \"PATH\" or unit \"NAME\"")) {
	case 0:
		break;
	case 1:
		return watch_unit(p, w);
	default:
		return -1;
	}
	if (conf_string_arg(p, &w->pidfile, "a pid file path in quotes") == -1)
		return -1;
	if (w->pidfile[0] != '/')
		return conf_error(p, &w->pos, "watch process: the pid file "
		    "path must be absolute");
	if (strlen(w->pidfile) > 1000)
		return conf_error(p, &w->pos, "watch process: pid file path "
		    "too long");
	return conf_semi(p);
}

/* listener udp|tcp [ADDR] [port N] */
static int
watch_listener(struct parser *p, struct watch_conf *w)
{
	static const char *const protos[] = { "udp", "tcp", NULL };
	unsigned port;

	switch (conf_choice(p, protos, "udp or tcp")) {
	case 0:
		w->proto = IPPROTO_UDP;
		break;
	case 1:
		w->proto = IPPROTO_TCP;
		break;
	default:
		return -1;
	}
	if (conf_peek(p)->type == TOK_WORD && !conf_word_is(p, "port") &&
	    conf_addr_arg(p, &w->addr) == -1)
		return -1;
	if (conf_word_is(p, "port")) {
		struct tok t;

		conf_next(p, &t);
		lex_tok_free(&t);
		if (conf_uint_arg(p, &port, 1, 65535) == -1)
			return -1;
		w->port = (uint16_t)port;
	}
	return conf_semi(p);
}

int
conf_watch_parse(struct parser *p, struct check_conf *ck, const struct tok *kw)
{
	static const char *const kinds[] = { "process", "listener",
	    "tcp-session", NULL };
	struct watch_conf	*w;
	struct check_net	 net;
	int			 type, n = 0;

	for (w = ck->watches; w; w = w->next)
		n++;
	if (n == CONF_WATCHES_MAX)
		return conf_error(p, &kw->pos, "more than %d watches in one "
		    "check", CONF_WATCHES_MAX);
	if ((type = conf_choice(p, kinds, "process, listener or tcp-session"))
	    == -1)
		return -1;
	w = watch_add(ck, (enum watch_type)type, kw);
	switch (w->type) {
	case WATCH_PROCESS:
		return watch_process(p, w);
	case WATCH_LISTENER:
		if (conf_check_net(ck, &net) == -1)
			return conf_error(p, &kw->pos, "watch listener is for "
			    "dns and tcp checks");
		/* A backend's sockets are on its own host, out of sight. */
		if (ck->backend >= 0)
			return conf_error(p, &kw->pos, "watch listener sees "
			    "the sockets of this host only: not in a via check "
			    "(watch tcp-session works across the network)");
		return watch_listener(p, w);
	case WATCH_TCP_SESSION:
		if (!(check_desc_of(ck->type)->flags & CT_TCP_SESSION))
			return conf_error(p, &kw->pos, "watch tcp-session is "
			    "for dns checks");
		return conf_semi(p);
	}
	return -1;
}

