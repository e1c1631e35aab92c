/* SPDX-License-Identifier: ISC */
/*
 * anycastctl: the command line client of anycastd.  It turns the command
 * line into one request of the control protocol (docs/control.md), sends
 * it over the daemon's Unix socket, reads the one response line and hands
 * it to ctl_print for display.  Everything here is argument handling and
 * socket I/O; what a response looks like on screen is in ctl/ctl_print.c.
 * No step may hang: connecting and the exchange each have a deadline.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ctl/ctl_print.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#ifndef ANYCASTD_VERSION
#define ANYCASTD_VERSION	"unknown"
#endif

#define PROG			"anycastctl"
#define DEFAULT_SOCKET		"/run/anycastd/anycastd.sock"
#define SOCKET_ENV		"ANYCASTD_SOCKET"
#define TIMEOUT_MS		10000
/* 100,000 checks take about 45 MB; more than this is not a response. */
#define RESPONSE_MAX		(256 * 1024 * 1024)

struct request {
	const char		*command;	/* as sent: "show checks" */
	enum ctl_print_cmd	 print;
	const char		*service;
	int			 filter;	/* service only selects output */
	const char		*for_arg;	/* --for as typed, or NULL */
	uint64_t		 for_ms;
};

/* What a command takes after its words. */
enum svc_arg { SVC_NONE, SVC_NEEDED, SVC_FILTER };

static const struct {
	const char		*word1;
	const char		*word2;		/* NULL: one word */
	const char		*command;	/* on the wire */
	enum ctl_print_cmd	 print;
	enum svc_arg		 service;
} commands[] = {
	{ "status", NULL, "status", CTL_PRINT_STATUS, SVC_FILTER },
	{ "show", "checks", "show checks", CTL_PRINT_CHECKS, SVC_FILTER },
	{ "show", "history", "show history", CTL_PRINT_HISTORY, SVC_FILTER },
	{ "show", "peers", "show peers", CTL_PRINT_PEERS, SVC_NONE },
	{ "show", "routes", "show routes", CTL_PRINT_ROUTES, SVC_FILTER },
	{ "drain", NULL, "drain", CTL_PRINT_SERVICE, SVC_NEEDED },
	{ "undrain", NULL, "undrain", CTL_PRINT_SERVICE, SVC_NEEDED },
	{ "disable", NULL, "disable", CTL_PRINT_SERVICE, SVC_NEEDED },
	{ "enable", NULL, "enable", CTL_PRINT_SERVICE, SVC_NEEDED },
	{ "reload", NULL, "reload", CTL_PRINT_RELOAD, SVC_NONE },
};

static void	usage(FILE *, int) __attribute__((noreturn));
static void	usage_error(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
static int	fail(const char *, ...) __attribute__((format(printf, 1, 2)));

static void
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: %s [-s socket] [--json] command\n"
	    "       %s -h | -V\n"
	    "commands (any unambiguous abbreviation: sh ch):\n"
	    "  status [SERVICE]\n"
	    "  show checks [SERVICE] | show history [SERVICE]\n"
	    "  show peers | show routes [SERVICE]\n"
	    "  drain SERVICE [--for DURATION]\n"
	    "  undrain SERVICE\n"
	    "  disable SERVICE\n"
	    "  enable SERVICE\n"
	    "  reload\n"
	    "DURATION is like 300ms, 10s, 5m, 1h or 1m30s.\n"
	    "The socket is -s, else $%s, else %s.\n",
	    PROG, PROG, SOCKET_ENV, DEFAULT_SOCKET);
	exit(status);
}

/* "anycastctl: MESSAGE" on stderr. */
static void
say(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", PROG);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* The mistake in one line, and where the full usage is. */
static void
usage_error(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: '%s -h' lists the commands\n", PROG, PROG);
	exit(CTL_PRINT_EXIT_USAGE);
}

static int
fail(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	return CTL_PRINT_EXIT_FAIL;
}

/*
 * WORD as one of the words the table has at position POS (after FIRST,
 * when POS is 1): the word itself, or the one it is an unambiguous
 * abbreviation of.  Exits on an unknown or ambiguous word.
 */
static const char *
expand(const char *word, int pos, const char *first)
{
	const char	*cand, *match = NULL, *seen[nitems(commands)];
	char		 list[256] = "";
	size_t		 i, j, n = 0, nmatch = 0, len = strlen(word);

	for (i = 0; i < nitems(commands); i++) {
		cand = pos == 0 ? commands[i].word1 : commands[i].word2;
		if (cand == NULL || (pos == 1 && strcmp(commands[i].word1,
		    first) != 0))
			continue;
		for (j = 0; j < n && strcmp(seen[j], cand) != 0; j++)
			;
		if (j < n)
			continue;	/* "show" is in the table four times */
		seen[n++] = cand;
		if (strcmp(word, cand) == 0)
			return cand;	/* a whole word is never ambiguous */
		if (len == 0 || strncmp(word, cand, len) != 0)
			continue;
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		    "%s%s", nmatch++ ? ", " : "", cand);
		match = cand;
	}
	if (nmatch == 1)
		return match;
	if (nmatch > 1)
		usage_error("%s%s%s is ambiguous: %s", pos ? first : "",
		    pos ? " " : "", word, list);
	list[0] = '\0';
	for (j = 0; j < n; j++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		    "%s%s", j ? ", " : "", seen[j]);
	if (pos && len == 0)
		usage_error("%s what? %s", first, list);
	if (pos)
		usage_error("%s %s: unknown; %s what? %s", first, word, first,
		    list);
	usage_error("unknown command: %s", word);
}

/* Match the command words against the table; exits on a usage error. */
static void
parse_command(char **words, size_t nwords, struct request *req)
{
	const char	*cmd, *w1, *w2 = NULL;
	size_t		 i, used;

	if (nwords == 0)
		usage_error("no command given");
	w1 = expand(words[0], 0, NULL);
	for (i = 0; i < nitems(commands); i++)
		if (strcmp(commands[i].word1, w1) == 0 &&
		    commands[i].word2 != NULL) {
			w2 = expand(nwords < 2 ? "" : words[1], 1, w1);
			break;
		}
	for (i = 0; i < nitems(commands); i++)
		if (strcmp(commands[i].word1, w1) == 0 &&
		    (w2 == NULL || strcmp(commands[i].word2, w2) == 0))
			break;
	used = w2 != NULL ? 2 : 1;
	cmd = req->command = commands[i].command;
	req->print = commands[i].print;
	if (commands[i].service == SVC_NEEDED) {
		if (nwords <= used || words[used][0] == '\0')
			usage_error("%s: which service?", cmd);
		req->service = words[used++];
	} else if (commands[i].service == SVC_FILTER && nwords > used) {
		req->service = words[used++];
		req->filter = strcmp(cmd, "show history") != 0;
	}
	if (nwords > used)
		usage_error("%s: unexpected argument: %s", cmd, words[used]);
	if (req->for_arg != NULL && strcmp(cmd, "drain") != 0)
		usage_error("--for goes with drain only");
}

static void
parse_for(struct request *req)
{
	const char	*why;

	if (req->for_arg == NULL)
		return;
	if (ctl_print_parse_duration(req->for_arg, &req->for_ms, &why) == -1) {
		fail("bad duration \"%s\": %s", req->for_arg, why);
		exit(CTL_PRINT_EXIT_USAGE);
	}
	if (req->for_ms == 0) {
		fail("bad duration \"%s\": must be more than 0", req->for_arg);
		exit(CTL_PRINT_EXIT_USAGE);
	}
}

/*
 * Options may come anywhere on the line (so `anycastctl status --json'
 * works whatever POSIXLY_CORRECT says); "--" ends them, for a service
 * whose name starts with a dash.
 */
static void
parse_args(int argc, char **argv, const char **sock, int *json,
    struct request *req)
{
	char	**words;
	size_t	  nwords = 0;
	int	  i, opts = 1;
	char	 *a;

	if ((words = calloc((size_t)argc + 1, sizeof(*words))) == NULL) {
		fail("out of memory");
		exit(CTL_PRINT_EXIT_FAIL);
	}
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (!opts || a[0] != '-' || a[1] == '\0') {
			words[nwords++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0)
			opts = 0;
		else if (strcmp(a, "--json") == 0)
			*json = 1;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			usage(stdout, CTL_PRINT_EXIT_OK);
		else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			printf("%s %s\n", PROG, ANYCASTD_VERSION);
			exit(CTL_PRINT_EXIT_OK);
		} else if (strcmp(a, "-s") == 0) {
			if (++i == argc)
				usage_error("-s needs a socket path");
			*sock = argv[i];
		} else if (strncmp(a, "-s", 2) == 0)
			*sock = a + 2;
		else if (strcmp(a, "--for") == 0) {
			if (++i == argc)
				usage_error("--for needs a duration");
			req->for_arg = argv[i];
		} else if (strncmp(a, "--for=", 6) == 0)
			req->for_arg = a + 6;
		else
			usage_error("unknown option: %s", a);
	}
	parse_command(words, nwords, req);
	parse_for(req);
	free(words);
}

/* One line of JSON, newline included; NULL when out of memory. */
static char *
build_request(const struct request *req)
{
	struct json_object	*o;
	char			*line = NULL;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "command",
	    json_object_new_string(req->command));
	if (req->service != NULL && !req->filter)
		json_object_object_add(o, "service",
		    json_object_new_string(req->service));
	if (req->for_arg != NULL)
		json_object_object_add(o, "for_ms",
		    json_object_new_int64((int64_t)req->for_ms));
	if (asprintf(&line, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) == -1)
		line = NULL;
	json_object_put(o);
	return line;
}

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait until fd is ready for `events' or the deadline passes: 1 ready,
 * 0 timed out, -1 error.
 */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd	 pfd = { .fd = fd, .events = events };
	int64_t		 left;
	int		 n;

	for (;;) {
		if ((left = deadline - now_ms()) <= 0)
			return 0;
		n = poll(&pfd, 1, (int)left);
		if (n == -1 && errno == EINTR)
			continue;
		return n > 0 ? 1 : n;
	}
}

static const char *
hint(int err)
{
	switch (err) {
	case ENOENT:
	case ECONNREFUSED:
		return " (is anycastd running?)";
	case EACCES:
	case EPERM:
		return " (run as root, or as a member of the socket's group)";
	default:
		return "";
	}
}

/*
 * A Unix socket connect blocks only while the daemon's listen backlog is
 * full; SO_SNDTIMEO bounds that wait (Linux then fails with EAGAIN).
 */
static int
connect_daemon(const char *path)
{
	struct sockaddr_un	 sun;
	struct timeval		 tv = { TIMEOUT_MS / 1000, 0 };
	int			 fd, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fail("cannot connect to %s: %s", path, strerror(ENAMETOOLONG));
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		fail("socket: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1) {
		fail("setsockopt: %s", strerror(errno));
		close(fd);
		return -1;
	}
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == EINTR)
			continue;
		saved = errno;
		close(fd);
		if (saved == EAGAIN || saved == EWOULDBLOCK ||
		    saved == ETIMEDOUT)
			fail("cannot connect to %s: timed out after %ds "
			    "(is anycastd stuck?)", path, TIMEOUT_MS / 1000);
		else
			fail("cannot connect to %s: %s%s", path,
			    strerror(saved), hint(saved));
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		fail("fcntl: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_request(int fd, const char *path, const char *line, int64_t deadline)
{
	size_t	 off = 0, len = strlen(line);
	ssize_t	 n;
	int	 r;

	while (off < len) {
		if ((r = wait_fd(fd, POLLOUT, deadline)) == 0)
			return fail("%s: timed out sending the request "
			    "after %ds (is anycastd stuck?)", path,
			    TIMEOUT_MS / 1000);
		if (r == -1)
			return fail("%s: poll: %s", path, strerror(errno));
		/* MSG_NOSIGNAL: a daemon gone away is an error, not SIGPIPE. */
		n = send(fd, line + off, len - off, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK)
				continue;
			if (errno == EPIPE || errno == ECONNRESET)
				return fail("%s: anycastd closed the "
				    "connection before taking the request",
				    path);
			return fail("%s: send: %s", path, strerror(errno));
		}
		off += (size_t)n;
	}
	return 0;
}

/*
 * Read up to the first newline.  The answer may take many reads (a few
 * MB for thousands of checks); `*resp' gets it without the newline.
 * The daemon writes a long answer in parts as we read it, so the
 * deadline is for silence: each read that brings bytes moves it on.
 */
static int
read_response(int fd, const char *path, int64_t deadline, char **resp,
    size_t *resp_len)
{
	char	*buf = NULL, *nl, *n;
	size_t	 len = 0, cap = 0;
	ssize_t	 r;
	int	 w;

	for (;;) {
		if (cap - len < 4096) {
			cap = cap == 0 ? 65536 : cap * 2;
			if ((n = realloc(buf, cap)) == NULL) {
				free(buf);
				return fail("out of memory");
			}
			buf = n;
		}
		if ((w = wait_fd(fd, POLLIN, deadline)) <= 0) {
			free(buf);
			if (w == -1)
				return fail("%s: poll: %s", path,
				    strerror(errno));
			return fail("%s: no answer from anycastd within %ds "
			    "(%zu bytes received)", path, TIMEOUT_MS / 1000,
			    len);
		}
		r = read(fd, buf + len, cap - len);
		if (r == -1) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK)
				continue;
			w = errno;
			free(buf);
			return fail("%s: read: %s", path, strerror(w));
		}
		if (r == 0) {
			free(buf);
			if (len == 0)
				return fail("%s: anycastd closed the "
				    "connection without answering", path);
			return fail("%s: anycastd closed the connection in "
			    "the middle of its answer (after %zu bytes)", path,
			    len);
		}
		deadline = now_ms() + TIMEOUT_MS;
		nl = memchr(buf + len, '\n', (size_t)r);
		len += (size_t)r;
		if (nl != NULL) {
			*resp = buf;
			*resp_len = (size_t)(nl - buf);
			return 0;
		}
		if (len > RESPONSE_MAX) {
			free(buf);
			return fail("%s: answer longer than %d MB, giving up",
			    path, RESPONSE_MAX / (1024 * 1024));
		}
	}
}

/*
 * One exchange: REQ to the daemon at SOCK, its response line (without
 * the newline) in *RESP.  Returns 0, or the exit status after saying why.
 */
static int
ask(const char *sock, const struct request *req, char **resp,
    size_t *resp_len)
{
	char	*line;
	int	 fd, rc;

	*resp = NULL;
	*resp_len = 0;
	if ((line = build_request(req)) == NULL)
		return fail("out of memory");
	if ((fd = connect_daemon(sock)) == -1) {
		free(line);
		return CTL_PRINT_EXIT_FAIL;
	}
	rc = send_request(fd, sock, line, now_ms() + TIMEOUT_MS);
	free(line);
	if (rc == 0)
		rc = read_response(fd, sock, now_ms() + TIMEOUT_MS, resp,
		    resp_len);
	close(fd);
	return rc == 0 ? 0 : CTL_PRINT_EXIT_FAIL;
}

/*
 * show routes SERVICE: a service may have nothing announced or installed,
 * so its absence from the routes says nothing; the status tells whether
 * it exists.  0 when it does, else the exit status after saying why.
 */
static int
service_exists(const char *sock, const char *service)
{
	struct request	 st = { .command = "status", .print = CTL_PRINT_STATUS,
			    .service = service, .filter = 1 };
	char		*resp;
	size_t		 len;
	int		 rc;

	if ((rc = ask(sock, &st, &resp, &len)) != 0)
		return rc;
	rc = ctl_print_known_service(stderr, resp, len, service);
	free(resp);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct request	 req;
	const char	*sock, *env;
	char		*resp = NULL;
	size_t		 resp_len = 0;
	int		 json = 0, rc;

	memset(&req, 0, sizeof(req));
	sock = DEFAULT_SOCKET;
	if ((env = getenv(SOCKET_ENV)) != NULL && env[0] != '\0')
		sock = env;
	parse_args(argc, argv, &sock, &json, &req);
	if (sock[0] == '\0')
		usage_error("empty socket path");

	if (req.print == CTL_PRINT_ROUTES && req.filter &&
	    (rc = service_exists(sock, req.service)) != 0)
		return rc;
	if ((rc = ask(sock, &req, &resp, &resp_len)) != 0)
		return rc;
	rc = ctl_print_filtered(stdout, stderr, req.print, json, resp,
	    resp_len, req.filter ? req.service : NULL);
	free(resp);
	if (fflush(stdout) == EOF || ferror(stdout))
		return fail("writing output: %s", strerror(errno));
	return rc;
}
