// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tapswctl.c - the command line client of tapswd's control socket.
 *
 *	tapswctl [-s SOCK] [-j] [-p] OBJECT [COMMAND] [ARGS]
 *
 * One command is one JSON-RPC request: the words are turned into params,
 * sent as one line over a blocking AF_UNIX stream socket, and the one reply
 * line is printed: as text for people, or with -j as the daemon's JSON for
 * scripts (lists as bare arrays).  The daemon validates everything that
 * has meaning (MACs, names, ranges): this file only checks that numbers are
 * numbers.  "monitor" is the one long-lived command: after the
 * events.subscribe reply it keeps the connection and prints each
 * notification that follows; "capture" copies the pcapng stream that
 * follows its capture.start reply to a file or standard output.  Commands live in one table (object,
 * command, usage, argument counts, handler), as OVS unixctl and vde-2's
 * comlist; the help text and the usage errors come from it.  Objects and
 * commands may be abbreviated to any unambiguous prefix ("tapswctl p l"
 * is "port list").
 *
 * Exit status: 0 on success, 1 when tapswd or the connection failed, 2 on
 * a usage error; every failure prints one line "tapswctl: ..." on stderr.
 */
#include "tapsw/tapsw.h"

#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "tapsw/ctl_codec.h"
#include "tapsw/ctl_proto.h"

#define DEFAULT_SOCKET	"/run/tapsw/tapswd.sock"

enum {
	EXIT_DAEMON = 1,		/* tapswd said no, or is unreachable */
	EXIT_USAGE = 2,
	REPLY_MAX = 64 * 1024 * 1024,	/* longest reply line accepted */
	IO_TIMEOUT_S = 60,		/* a reply that long overdue is lost */
	CELL_MAX = 64,			/* table cell, bytes with the NUL */
	KEY_WIDTH = 18,			/* "key:" column of key: value lines */
	USAGE_MAX = 512,		/* a command's usage, with the NUL */
	VXLAN_CLI_REMOTES = 64,		/* remote IP words in one command */
};

struct cli {
	const char *socket;
	bool json;
	bool pretty;
};

/* monitor: SIGINT/SIGTERM arrived (recv() returns EINTR, we exit 0) */
static volatile sig_atomic_t cli_stop;

/* --- arguments */

enum arg_type {
	ARG_STRING,			/* sent as a string */
	ARG_UINT,			/* decimal, sent as an integer */
	ARG_ID,				/* user/group: all digits -> integer */
	ARG_FLAG,			/* no value: sent as true */
	ARG_ONOFF,			/* on|off: sent as true/false */
	ARG_KIND,			/* no value: "kind" is the key */
	ARG_KIND_PATH,			/* "kind" is the key, "path" the value */
	ARG_VLAN,			/* a member of the "vlan" object */
	ARG_NAMES,			/* "a,b": an array of strings */
	ARG_VIDS,			/* "10,20-29": an array of VLAN ids */
	ARG_LIST,			/* repeatable: appended to an array */
	ARG_REMOTE,			/* "remote add|del IP": key_add/_del */
};

/* a keyword argument: "mtu 9000", "--mtu 9000", "--mtu=9000", "static" */
struct arg_kw {
	const char *word;
	const char *key;		/* params member */
	enum arg_type type;
	bool required;
};

struct cmd;
typedef int (*cmd_run_t)(const struct cli *cli, const struct cmd *cmd,
			 int argc, char **argv);
typedef void (*cmd_print_t)(const json_t *result);

struct cmd {
	const char *object;
	const char *name;		/* NULL: the object is the command */
	const char *args;		/* usage after "object name" */
	const char *help;
	int min_args, max_args;		/* words after the command */
	cmd_run_t run;
	const char *method;
	const char *pos[2];		/* params keys of the leading words */
	const struct arg_kw *kw;	/* then keywords, NULL-terminated */
	cmd_print_t print;		/* text output; NULL prints nothing */
	const char *list_key;		/* -j prints only this member */
	bool is_default;		/* run when the object comes alone */
	bool port_flags;		/* also the port controls (ctl_codec.h),
					 * "learning on|off", ... after args */
};

__attribute__((format(printf, 1, 0)))
static void vfail(const char *fmt, va_list ap)
{
	fputs("tapswctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

__attribute__((format(printf, 2, 3)))
static int fail(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(fmt, ap);
	va_end(ap);
	return status;
}

static void cmd_title(const struct cmd *cmd, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s", cmd->object, cmd->name ? " " : "",
		 cmd->name ? cmd->name : "");
}

/* str_append() - @s after the string in @buf (@size bytes), cut to fit */
static void str_append(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s", s);
}

/*
 * cmd_usage() - the words after "object name" in @cmd's usage: cmd->args,
 * then "[learning|flood|... on|off]..." if it takes the port controls
 */
static void cmd_usage(const struct cmd *cmd, char *buf, size_t size)
{
	unsigned int i;

	snprintf(buf, size, "%s", cmd->args);
	for (i = 0; cmd->port_flags && i < PORT_FLAG_COUNT; i++) {
		str_append(buf, size, i ? "|" : " [");
		str_append(buf, size, port_flag_info[i].name);
	}
	if (cmd->port_flags)
		str_append(buf, size, " on|off]...");
}

static int usage_error(const struct cmd *cmd)
{
	char title[64], usage[USAGE_MAX];

	cmd_title(cmd, title, sizeof(title));
	cmd_usage(cmd, usage, sizeof(usage));
	return fail(EXIT_USAGE, "%s: usage: %s%s%s", title, title,
		    usage[0] ? " " : "", usage);
}

__attribute__((format(printf, 2, 3)))
static int arg_error(const struct cmd *cmd, const char *fmt, ...)
{
	char title[64], msg[256];
	va_list ap;

	cmd_title(cmd, title, sizeof(title));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail(EXIT_USAGE, "%s: %s", title, msg);
}

/* parse_uint() - all decimal digits, no sign or space, at most @max */
static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * access VID, trunk LIST, native VID, vlan none: the port's "vlan" object
 * (kw->key: its mode, or "native")
 */
static int param_vlan(const struct cmd *cmd, json_t *params,
		      const struct arg_kw *kw, const char *value)
{
	bool is_mode = strcmp(kw->key, "native");
	json_t *vlan = json_object_get(params, "vlan");
	struct vlan_config vc = { 0 };
	unsigned long v;

	if (!vlan && json_object_set_new(params, "vlan", vlan = json_object()))
		return fail(EXIT_DAEMON, "out of memory");
	if (json_object_get(vlan, is_mode ? "mode" : "native"))
		return arg_error(cmd, is_mode ? "one VLAN mode only ('%s')" :
				 "'%s' given twice", kw->word);
	if (!strcmp(kw->key, "trunk")) {
		if (vlan_list_parse(value, &vc))
			return arg_error(cmd, "invalid trunk '%s': VLAN ids "
					 "1-4094, like 10,20-29", value);
		json_object_set_new(vlan, "trunks", vlan_trunks_json(&vc));
	} else if (strcmp(kw->key, "none")) {
		if (parse_uint(value, VLAN_VID_MAX, &v))
			return arg_error(cmd, "invalid %s '%s': a VLAN id "
					 "1-4094", kw->word, value);
		json_object_set_new(vlan, is_mode ? "tag" : "native",
				    json_integer((json_int_t)v));
	} else if (strcmp(value, "none")) {
		return arg_error(cmd, "invalid vlan '%s': vlan none, or "
				 "access VID, or trunk LIST", value);
	}
	if (is_mode)
		json_object_set_new(vlan, "mode", json_string(kw->key));
	return 0;
}

/* src PORT,..., vlan 10,20-29: an array of names or of VLAN ids */
static int param_list(const struct cmd *cmd, json_t *params,
		      const struct arg_kw *kw, const char *value)
{
	struct vlan_config vc = { 0 };
	const char *p, *comma;
	json_t *a;

	if (kw->type == ARG_VIDS) {
		if (vlan_list_parse(value, &vc))
			return arg_error(cmd, "invalid %s '%s': VLAN ids "
					 "1-4094, like 10,20-29", kw->word,
					 value);
		a = vlan_trunks_json(&vc);
	} else {
		a = json_array();
		for (p = value; a && *p; p = *comma ? comma + 1 : comma) {
			comma = strchrnul(p, ',');
			if (comma == p ||
			    json_array_append_new(a, json_stringn(
				p, (size_t)(comma - p)))) {
				json_decref(a);
				return arg_error(cmd, "invalid %s '%s': "
						 "names separated by commas",
						 kw->word, value);
			}
		}
	}
	if (!a || json_object_set_new(params, kw->key, a))
		return fail(EXIT_DAEMON, "out of memory");
	return 0;
}

static int param_set(const struct cmd *cmd, json_t *params,
		     const struct arg_kw *kw, const char *word,
		     const char *value)
{
	unsigned long v;
	json_t *j;

	if (kw->type == ARG_VLAN)
		return param_vlan(cmd, params, kw, value);
	if (kw->type == ARG_KIND || kw->type == ARG_KIND_PATH) {
		if (json_object_get(params, "kind"))
			return arg_error(cmd, "one port kind only ('%s')", word);
		if (kw->type == ARG_KIND_PATH &&
		    json_object_set_new(params, "path", json_string(value)))
			return arg_error(cmd, "invalid path '%s'", value);
		json_object_set_new(params, "kind", json_string(kw->key));
		return 0;
	}
	if (kw->type == ARG_LIST || kw->type == ARG_REMOTE) {
		char key[32];
		json_t *list;

		snprintf(key, sizeof(key), "%s", kw->key);
		if (kw->type == ARG_REMOTE) {
			const char *ip = strchr(value, ' ');

			/* args_parse() gives "add IP" or "del IP" */
			if (!ip || (strncmp(value, "add ", 4) &&
				    strncmp(value, "del ", 4)))
				return arg_error(cmd, "usage: %s add|del IP",
						 word);
			snprintf(key, sizeof(key), "%s_%.3s", kw->key, value);
			value = ip + 1;
		}
		list = json_object_get(params, key);
		if (!list && json_object_set_new(params, key,
						 list = json_array()))
			return fail(EXIT_DAEMON, "out of memory");
		j = json_string(value);
		if (!j || json_array_append_new(list, j))
			return arg_error(cmd, "invalid %s '%s'", word, value);
		return 0;
	}
	if (json_object_get(params, kw->key))
		return arg_error(cmd, "'%s' given twice", word);
	if (kw->type == ARG_NAMES || kw->type == ARG_VIDS)
		return param_list(cmd, params, kw, value);
	switch (kw->type) {
	case ARG_FLAG:
		j = json_true();
		break;
	case ARG_UINT:
		if (parse_uint(value, INT32_MAX, &v))
			return arg_error(cmd, "invalid %s '%s': not a number",
					 word, value);
		j = json_integer((json_int_t)v);
		break;
	case ARG_ONOFF:
		if (strcmp(value, "on") && strcmp(value, "off"))
			return arg_error(cmd, "invalid %s '%s': on or off",
					 word, value);
		j = json_boolean(!strcmp(value, "on"));
		break;
	case ARG_ID:		/* a number is an id, anything else a name */
		if (!parse_uint(value, UINT32_MAX, &v))
			j = json_integer((json_int_t)v);
		else
			j = json_string(value);
		break;
	case ARG_STRING:
	default:
		j = json_string(value);
		break;
	}
	if (!j)			/* json_string() takes UTF-8 only */
		return arg_error(cmd, "invalid %s '%s': not UTF-8", word,
				 value);
	if (json_object_set_new(params, kw->key, j))
		return fail(EXIT_DAEMON, "out of memory");
	return 0;
}

/*
 * args_parse() - the leading words (cmd->pos), then keywords in any order.
 * Returns 0 or an exit status, the error printed.
 */
static int args_parse(const struct cmd *cmd, int argc, char **argv,
		      json_t *params)
{
	static const struct arg_kw pos_kw = { .type = ARG_STRING };
	const struct port_flag_info *fi;
	const struct arg_kw *kw;
	struct arg_kw k;
	const char *word, *value, *eq;
	char pair[80];
	int i = 0, p, ret;
	size_t wlen;

	for (p = 0; p < (int)ARRAY_SIZE(cmd->pos) && cmd->pos[p]; p++) {
		if (i >= argc)
			return usage_error(cmd);
		k = pos_kw;
		k.key = cmd->pos[p];
		ret = param_set(cmd, params, &k, cmd->pos[p], argv[i++]);
		if (ret)
			return ret;
	}
	while (i < argc) {
		word = argv[i++];
		value = NULL;
		if (!strncmp(word, "--", 2)) {
			word += 2;
			eq = strchr(word, '=');
			if (eq)
				value = eq + 1;
		}
		wlen = value ? (size_t)(value - 1 - word) : strlen(word);
		for (kw = cmd->kw; kw && kw->word; kw++)
			if (strlen(kw->word) == wlen &&
			    !strncmp(kw->word, word, wlen))
				break;
		if ((!kw || !kw->word) && cmd->port_flags &&
		    (fi = port_flag_find(word, wlen))) {
			k = (struct arg_kw){ fi->name, fi->name, ARG_ONOFF };
			kw = &k;
		}
		if ((!kw || !kw->word) && argv[i - 1][0] == '-' &&
		    argv[i - 1][1] != '-')
			return arg_error(cmd, "unknown option '%s'",
					 argv[i - 1]);
		if (!kw || !kw->word)
			return usage_error(cmd);
		if ((kw->type == ARG_FLAG || kw->type == ARG_KIND) && value)
			return arg_error(cmd, "'%s' takes no value", kw->word);
		if (kw->type != ARG_FLAG && kw->type != ARG_KIND && !value) {
			if (i >= argc)
				return arg_error(cmd, "'%s' needs a value",
						 kw->word);
			value = argv[i++];
		}
		if (kw->type == ARG_REMOTE) {	/* two words: add|del IP */
			if (i >= argc)
				return arg_error(cmd, "usage: %s add|del IP",
						 kw->word);
			snprintf(pair, sizeof(pair), "%.8s %.64s", value,
				 argv[i++]);
			value = pair;
		}
		ret = param_set(cmd, params, kw, kw->word, value);
		if (ret)
			return ret;
	}
	for (kw = cmd->kw; kw && kw->word; kw++)
		if (kw->required && !json_object_get(params, kw->key))
			return usage_error(cmd);
	return 0;
}

/* --- the daemon */

static int sock_connect(const char *path, int *fdp)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		close(fd);
		return ret;
	}
	*fdp = fd;
	return 0;
}

static int sock_send(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* sock_recv_line() - read until one whole line is in @lb; 0 or -errno */
static int sock_recv_line(int fd, struct ctl_linebuf *lb, char **line,
			  size_t *len)
{
	char buf[64 * 1024];
	ssize_t n, l;
	int ret;

	for (;;) {
		l = ctl_linebuf_next(lb, line);
		if (l >= 0) {
			*len = (size_t)l;
			return 0;
		}
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR && cli_stop)
			return -EINTR;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (n == 0)
			return -ECONNRESET;
		ret = ctl_linebuf_append(lb, buf, (size_t)n);
		if (ret)
			return ret;
	}
}

/*
 * cli_request() - connect and send one request.  Steals @params (NULL:
 * none).  Returns 0 with the socket in *@fdp, or an exit status with the
 * error printed.
 */
static int cli_request(const struct cli *cli, const char *method,
		       json_t *params, int *fdp)
{
	json_t *req;
	char *text;
	size_t len;
	int fd = -1, ret;

	req = ctl_request_encode(1, method, params);
	text = req ? ctl_dump_line(req, &len) : NULL;
	json_decref(req);
	if (!text)
		return fail(EXIT_DAEMON, "out of memory");

	ret = sock_connect(cli->socket, &fd);
	if (ret) {
		free(text);
		return fail(EXIT_DAEMON, "cannot connect to %s: %s%s",
			    cli->socket, strerror(-ret),
			    ret == -ENOENT || ret == -ECONNREFUSED ?
			    " (is tapswd running?)" : "");
	}
	ret = sock_send(fd, text, len);
	free(text);
	/* closed on us: a line it wrote first says why (too many clients) */
	if (ret && ret != -EPIPE && ret != -ECONNRESET) {
		close(fd);
		return fail(EXIT_DAEMON, "%s: send: %s", cli->socket,
			    strerror(-ret));
	}
	*fdp = fd;
	return 0;
}

/* cli_recv_error() - say why no line came; returns the exit status */
static int cli_recv_error(const struct cli *cli, int ret)
{
	if (ret == -ECONNRESET)
		return fail(EXIT_DAEMON, "%s: %s", cli->socket,
			    "tapswd closed the connection, no reply");
	if (ret == -ETIMEDOUT)
		return fail(EXIT_DAEMON, "%s: no reply in %d s",
			    cli->socket, IO_TIMEOUT_S);
	if (ret == -EMSGSIZE)
		return fail(EXIT_DAEMON, "%s: reply longer than %d MiB",
			    cli->socket, REPLY_MAX >> 20);
	return fail(EXIT_DAEMON, "%s: %s", cli->socket, strerror(-ret));
}

/*
 * cli_reply() - read and decode the reply line.  Returns 0 with *@result
 * (new reference), or an exit status with the error printed.
 */
static int cli_reply(const struct cli *cli, int fd, struct ctl_linebuf *lb,
		     json_t **result)
{
	struct ctl_error err;
	char *line;
	size_t len;
	int ret;

	ret = sock_recv_line(fd, lb, &line, &len);
	if (ret)
		return cli_recv_error(cli, ret);
	ret = ctl_response_decode(line, len, result, &err);
	if (ret)
		return fail(EXIT_DAEMON, "%s", err.message);
	return 0;
}

/*
 * cli_call() - one request, one reply.  Steals @params (NULL: none).
 * Returns 0 with *@result (new reference), or an exit status with the error
 * printed.
 */
static int cli_call(const struct cli *cli, const char *method, json_t *params,
		    json_t **result)
{
	struct ctl_linebuf lb;
	int fd, ret;

	*result = NULL;
	ret = cli_request(cli, method, params, &fd);
	if (ret)
		return ret;
	ret = ctl_linebuf_init(&lb, REPLY_MAX);
	ret = ret ? fail(EXIT_DAEMON, "out of memory") :
		    cli_reply(cli, fd, &lb, result);
	close(fd);
	ctl_linebuf_free(&lb);
	return ret;
}

/* --- output */

static void json_print(const struct cli *cli, const json_t *j)
{
	size_t flags = JSON_ENCODE_ANY |
		       (cli->pretty ? JSON_INDENT(2) : JSON_COMPACT) |
		       JSON_REAL_PRECISION(15);

	json_dumpf(j, stdout, flags);
	putchar('\n');
}

/* value_format() - @v as text for people; "-" when missing */
static void value_format(const json_t *v, char *buf, size_t size)
{
	char *s;

	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		snprintf(buf, size, "%s", json_string_value(v));
		break;
	case JSON_INTEGER:
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(buf, size, "%g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(buf, size, "yes");
		break;
	case JSON_FALSE:
		snprintf(buf, size, "no");
		break;
	case JSON_OBJECT:
	case JSON_ARRAY:
		s = json_dumps(v, JSON_COMPACT);
		snprintf(buf, size, "%s", s ? s : "-");
		free(s);
		break;
	case JSON_NULL:
	default:
		snprintf(buf, size, "-");
		break;
	}
	/* one line per key, whatever the daemon sent */
	for (s = buf; *s; s++)
		if ((unsigned char)*s < 0x20)
			*s = ' ';
}

static void kv_print(int indent, const char *key, const char *value)
{
	char k[64];

	snprintf(k, sizeof(k), "%s:", key);
	if (!*value)			/* a section: no trailing blanks */
		printf("%*s%s\n", indent, "", k);
	else
		printf("%*s%-*s %s\n", indent, "", KEY_WIDTH - indent, k,
		       value);
}

static void kv_print_json(int indent, const char *key, const json_t *v)
{
	char buf[1024];

	value_format(v, buf, sizeof(buf));
	kv_print(indent, key, buf);
}

static bool key_in(const char *key, const char *const *keys)
{
	for (; *keys; keys++)
		if (!strcmp(key, *keys))
			return true;
	return false;
}

/* the members of @o that are not in @known, in the daemon's order */
static void kv_print_rest(int indent, const json_t *o,
			  const char *const *known)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)o, key, v)
		if (!key_in(key, known))
			kv_print_json(indent, key, v);
}

/* all members of @o; objects inside become indented sections */
static void kv_print_all(int indent, const json_t *o)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)o, key, v) {
		if (json_is_object(v)) {
			kv_print(indent, key, "");
			kv_print_all(indent + 2, v);
		} else {
			kv_print_json(indent, key, v);
		}
	}
}

/* tables */

enum col_fmt {
	COL_STR,
	COL_NUM,			/* right-aligned */
	COL_FLAGS,			/* "static": static, else learned */
	COL_AGE,			/* seconds, "-" for static entries */
	COL_VLAN,			/* a port's "vlan" object as text */
	COL_LIST,			/* an array as "a,b", "-" if empty */
};

struct column {
	const char *title;
	const char *key;
	enum col_fmt fmt;
};

/* vlan_text() - a port's "vlan" object: "-", "access 10", "trunk 10,20" */
static void vlan_text(const json_t *v, char *buf, size_t size)
{
	struct vlan_config vc;
	char why[128];

	if (vlan_config_from_json(v, &vc, why, sizeof(why)))
		value_format(v, buf, size);
	else
		vlan_config_format(&vc, buf, size);
}

/* list_text() - an array's members as "a,b,10"; "-" when empty */
static void list_text(const json_t *v, char *buf, size_t size)
{
	char item[CELL_MAX];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < json_array_size(v); i++) {
		value_format(json_array_get(v, i), item, sizeof(item));
		if (i)
			str_append(buf, size, ",");
		str_append(buf, size, item);
	}
	if (!buf[0])
		snprintf(buf, size, "-");
}

static void cell_format(const json_t *item, const struct column *col,
			char *buf)
{
	const json_t *v = json_object_get(item, col->key);

	switch (col->fmt) {
	case COL_FLAGS:
		snprintf(buf, CELL_MAX, "%s", !v ? "-" :
			 json_is_true(v) ? "static" : "learned");
		break;
	case COL_AGE:
		if (json_is_true(json_object_get(item, "static")) ||
		    !json_is_integer(v))
			snprintf(buf, CELL_MAX, "-");
		else
			snprintf(buf, CELL_MAX, "%" JSON_INTEGER_FORMAT "s",
				 json_integer_value(v));
		break;
	case COL_VLAN:
		vlan_text(v, buf, CELL_MAX);
		break;
	case COL_LIST:
		list_text(v, buf, CELL_MAX);
		break;
	case COL_STR:
	case COL_NUM:
	default:
		value_format(v, buf, CELL_MAX);
		break;
	}
}

/* table_print() - one row per object of @rows; widths fit the content */
static void table_print(const json_t *rows, const struct column *cols,
			unsigned int ncols)
{
	size_t nrows = json_array_size(rows), r;
	int width[16] = { 0 };
	char (*cells)[CELL_MAX];
	unsigned int c;

	if (ncols > ARRAY_SIZE(width))
		return;
	cells = calloc((nrows + 1) * ncols, CELL_MAX);
	if (!cells) {
		fail(EXIT_DAEMON, "out of memory");
		return;
	}
	for (c = 0; c < ncols; c++)
		snprintf(cells[c], CELL_MAX, "%s", cols[c].title);
	for (r = 0; r < nrows; r++)
		for (c = 0; c < ncols; c++)
			cell_format(json_array_get(rows, r), &cols[c],
				    cells[(r + 1) * ncols + c]);
	for (r = 0; r <= nrows; r++)
		for (c = 0; c < ncols; c++)
			width[c] = MAX(width[c],
				       (int)strlen(cells[r * ncols + c]));
	for (r = 0; r <= nrows; r++) {
		for (c = 0; c < ncols; c++) {
			const char *s = cells[r * ncols + c];
			bool last = c + 1 == ncols;

			if (cols[c].fmt == COL_NUM)
				printf("%*s", width[c], s);
			else
				printf("%-*s", last ? 0 : width[c], s);
			printf(last ? "\n" : "  ");
		}
	}
	free(cells);
}

static const struct column port_cols[] = {
	{ "NAME", "name", COL_STR },
	{ "KIND", "kind", COL_STR },
	{ "STATE", "state", COL_STR },
	{ "MTU", "mtu", COL_NUM },
	{ "VLAN", "vlan", COL_VLAN },
	{ "RX_PKTS", "rx_packets", COL_NUM },
	{ "RX_BYTES", "rx_bytes", COL_NUM },
	{ "TX_PKTS", "tx_packets", COL_NUM },
	{ "TX_BYTES", "tx_bytes", COL_NUM },
	{ "DROPS", "drops", COL_NUM },
	{ "FDB", "fdb_entries", COL_NUM },
	{ "PEER", "peer", COL_STR },
};

static const struct column port_stats_cols[] = {
	{ "PORT", "name", COL_STR },
	{ "RX_PKTS", "rx_packets", COL_NUM },
	{ "RX_BYTES", "rx_bytes", COL_NUM },
	{ "TX_PKTS", "tx_packets", COL_NUM },
	{ "TX_BYTES", "tx_bytes", COL_NUM },
	{ "DROPS", "drops", COL_NUM },
	{ "FILTERED", "filtered", COL_NUM },
	{ "FLOODED", "flooded", COL_NUM },
};

static const struct column fdb_cols[] = {
	{ "MAC", "mac", COL_STR },
	{ "VLAN", "vlan", COL_NUM },
	{ "PORT", "port", COL_STR },
	{ "FLAGS", "static", COL_FLAGS },
	{ "AGE", "age", COL_AGE },
	{ "DST", "dst", COL_STR },
};

static const struct column mirror_cols[] = {
	{ "NAME", "name", COL_STR },
	{ "OUTPUT", "output", COL_STR },
	{ "ACTIVE", "active", COL_STR },
	{ "SRC", "src", COL_LIST },
	{ "DST", "dst", COL_LIST },
	{ "VLAN", "vlan", COL_LIST },
	{ "FRAMES", "frames", COL_NUM },
	{ "BYTES", "bytes", COL_NUM },
	{ "DROPS", "drops", COL_NUM },
};

static void print_mirror_list(const json_t *result)
{
	table_print(json_object_get(result, "mirrors"), mirror_cols,
		    ARRAY_SIZE(mirror_cols));
}

static void print_port_list(const json_t *result)
{
	table_print(json_object_get(result, "ports"), port_cols,
		    ARRAY_SIZE(port_cols));
}

/* a string member's value, "?" if it is none */
static const char *json_text(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "?";
}

/* a vxlan port's settings, then one line per remote with its counters */
static void print_vxlan(const json_t *vx)
{
	static const char *const known[] = { "remote", "remotes", "offload",
					     NULL };
	const json_t *r, *list = json_object_get(vx, "remote");
	char key[80], line[256];
	size_t i, len = 0;

	kv_print(0, "vxlan", "");
	kv_print_rest(2, vx, known);
	line[0] = '\0';
	for (i = 0; i < json_array_size(list); i++)
		len += (size_t)snprintf(line + len, len < sizeof(line) ?
					sizeof(line) - len : 0, "%s%s",
					i ? " " : "",
					json_text(json_array_get(list, i)));
	kv_print(2, "flood to", line[0] ? line : "-");
	for (i = 0; i < json_array_size(json_object_get(vx, "remotes")); i++) {
		r = json_array_get(json_object_get(vx, "remotes"), i);
		snprintf(key, sizeof(key), "remote %s",
			 json_text(json_object_get(r, "ip")));
		snprintf(line, sizeof(line),
			 "%s, %" JSON_INTEGER_FORMAT " static, rx %"
			 JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT
			 " B, tx %" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT
			 " B (%" JSON_INTEGER_FORMAT " flooded), %"
			 JSON_INTEGER_FORMAT " errors",
			 json_is_true(json_object_get(r, "flood")) ?
			 "flood" : "no flood",
			 json_integer_value(json_object_get(r, "statics")),
			 json_integer_value(json_object_get(r, "rx_packets")),
			 json_integer_value(json_object_get(r, "rx_bytes")),
			 json_integer_value(json_object_get(r, "tx_packets")),
			 json_integer_value(json_object_get(r, "tx_bytes")),
			 json_integer_value(json_object_get(r, "tx_flooded")),
			 json_integer_value(json_object_get(r, "tx_errors")));
		kv_print(2, key, line);
	}
	if (json_is_object(json_object_get(vx, "offload"))) {
		kv_print(2, "offload", "");
		kv_print_all(4, json_object_get(vx, "offload"));
	}
}

static void print_port(const json_t *port)
{
	/* the keys in order: head, the port controls (ctl_codec.h), tail */
	static const char *const head[] = {
		"name", "kind", "index", "state", "error", "link",
		"link_netnsid", "mtu", "vlan",
	};
	static const char *const tail[] = {
		"created", "vnet_hdr", "offloads", "ifindex", "fdb_entries",
		"rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "drops",
		"drop_reasons", "stp", "vxlan", NULL,
	};
	const char *order[ARRAY_SIZE(head) + PORT_FLAG_COUNT +
			  ARRAY_SIZE(tail)];
	const char *const *key;
	const json_t *v;
	char buf[VLAN_TEXT_MAX];
	unsigned int i;

	memcpy(order, head, sizeof(head));
	for (i = 0; i < PORT_FLAG_COUNT; i++)
		order[ARRAY_SIZE(head) + i] = port_flag_info[i].name;
	memcpy(order + ARRAY_SIZE(head) + PORT_FLAG_COUNT, tail, sizeof(tail));

	for (key = order; *key; key++) {
		v = json_object_get(port, *key);
		if (!strcmp(*key, "vlan")) {
			vlan_text(v, buf, sizeof(buf));
			kv_print(0, *key, buf);
		} else if (!strcmp(*key, "error") ||
			   !strcmp(*key, "link_netnsid")) {
			if (v)		/* only when down; moved */
				kv_print_json(0, *key, v);
		} else if (!strcmp(*key, "drop_reasons") ||
			   !strcmp(*key, "stp")) {
			if (json_is_object(v)) {
				if (*key[0] == 's')	/* STP runs */
					kv_print(0, *key, "");
				kv_print_all(2, v);
			}
		} else if (!strcmp(*key, "vxlan")) {
			if (json_is_object(v))
				print_vxlan(v);
		} else {
			kv_print_json(0, *key, v);
		}
	}
	kv_print_rest(0, port, order);
}

/* --- spanning tree */

static const struct column stp_port_cols[] = {
	{ "PORT", "name", COL_STR },
	{ "ROLE", "role", COL_STR },
	{ "STATE", "state", COL_STR },
	{ "EDGE", "edge", COL_STR },
	{ "PROTO", "protocol", COL_STR },
	{ "ID", "port_id", COL_STR },
	{ "COST", "cost", COL_NUM },
	{ "DESIGNATED_BRIDGE", "designated_bridge", COL_STR },
	{ "BPDU_RX", "rx_bpdu", COL_NUM },
	{ "BPDU_TX", "tx_bpdu", COL_NUM },
	{ "BAD", "rx_bad_bpdu", COL_NUM },
};

static void print_stp(const json_t *result)
{
	static const char *const known[] = { "ports", NULL };
	const json_t *ports = json_object_get(result, "ports");

	kv_print_rest(0, result, known);
	if (json_array_size(ports)) {
		putchar('\n');
		table_print(ports, stp_port_cols, ARRAY_SIZE(stp_port_cols));
	}
}

static void print_fdb(const json_t *result)
{
	table_print(json_object_get(result, "entries"), fdb_cols,
		    ARRAY_SIZE(fdb_cols));
}

static void print_flush(const json_t *result)
{
	const json_t *n = json_object_get(result, "flushed");

	if (json_is_integer(n))
		printf("flushed %" JSON_INTEGER_FORMAT " entr%s\n",
		       json_integer_value(n),
		       json_integer_value(n) == 1 ? "y" : "ies");
}

static void print_stats(const json_t *result)
{
	static const char *const sections[] = { "switch", "fdb", NULL };
	static const char *const known[] = { "switch", "fdb", "ports", NULL };
	const char *const *s;
	const json_t *v;

	for (s = sections; *s; s++) {
		v = json_object_get(result, *s);
		kv_print(0, *s, json_is_object(v) ? "" : "-");
		if (json_is_object(v))
			kv_print_all(2, v);
	}
	/* anything newer than this tapswctl, before the port table */
	kv_print_rest(0, result, known);
	putchar('\n');
	table_print(json_object_get(result, "ports"), port_stats_cols,
		    ARRAY_SIZE(port_stats_cols));
}

static void print_switch(const json_t *result)
{
	static const char *const order[] = {
		"version", "pid", "socket", "uptime", "ageing", "fdb_max",
		"ports", "io", "fdb", "events", "control", "capture",
		"mirrors", NULL,
	};
	const char *const *key;
	const json_t *v;
	char buf[64];

	for (key = order; *key; key++) {
		v = json_object_get(result, *key);
		if (json_is_object(v)) {
			kv_print(0, *key, "");
			kv_print_all(2, v);
		} else if ((!strcmp(*key, "uptime") ||
			    !strcmp(*key, "ageing")) && json_is_integer(v)) {
			snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT "s",
				 json_integer_value(v));
			kv_print(0, *key, buf);
		} else {
			kv_print_json(0, *key, v);
		}
	}
	kv_print_rest(0, result, order);
}

/* --- commands */

/* cmd_generic() - words to params, call, print */
static int cmd_generic(const struct cli *cli, const struct cmd *cmd,
		       int argc, char **argv)
{
	json_t *params = json_object(), *result, *out;
	int ret;

	if (!params)
		return fail(EXIT_DAEMON, "out of memory");
	ret = args_parse(cmd, argc, argv, params);
	if (ret) {
		json_decref(params);
		return ret;
	}
	ret = cli_call(cli, cmd->method, params, &result);
	if (ret)
		return ret;
	if (cli->json) {
		out = cmd->list_key ? json_object_get(result, cmd->list_key) :
		      NULL;
		json_print(cli, out ? out : result);
	} else if (cmd->print) {
		cmd->print(result);
	}
	json_decref(result);
	return 0;
}

/* "port show" without a name is "port list" */
static int cmd_port_show(const struct cli *cli, const struct cmd *cmd,
			 int argc, char **argv)
{
	struct cmd list = *cmd;

	if (argc)
		return cmd_generic(cli, cmd, argc, argv);
	list.method = "port.list";
	list.pos[0] = NULL;
	list.print = print_port_list;
	list.list_key = "ports";
	return cmd_generic(cli, &list, argc, argv);
}

static int cmd_call(const struct cli *cli, const struct cmd *cmd,
		    int argc, char **argv)
{
	json_t *params = NULL, *result;
	json_error_t jerr;
	int ret;

	if (argc > 1) {
		params = json_loads(argv[1], JSON_REJECT_DUPLICATES, &jerr);
		if (!params)
			return arg_error(cmd, "params: %s", jerr.text);
		if (!json_is_object(params)) {
			json_decref(params);
			return arg_error(cmd, "params must be a JSON object");
		}
	}
	ret = cli_call(cli, argv[0], params, &result);
	if (ret)
		return ret;
	json_print(cli, result);
	json_decref(result);
	return 0;
}

/* --- monitor */

static void on_stop_signal(int sig)
{
	cli_stop = 1;
}

/*
 * cli_stream_open() - for the long-lived commands (monitor, capture):
 * SIGINT/SIGTERM set cli_stop (no SA_RESTART: recv() returns EINTR), send
 * @method with @params (stolen), read its reply, then wait for what follows
 * without a timeout.  Returns 0 with the socket in *@fdp and @lb holding
 * what came after the reply, or an exit status with the error printed.
 */
static int cli_stream_open(const struct cli *cli, const char *method,
			   json_t *params, int *fdp, struct ctl_linebuf *lb)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	struct timeval no_timeout = { 0 };
	json_t *result = NULL;
	int fd, ret;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = cli_request(cli, method, params, &fd);
	if (ret)
		return ret;
	if (ctl_linebuf_init(lb, REPLY_MAX)) {
		close(fd);
		return fail(EXIT_DAEMON, "out of memory");
	}
	ret = cli_reply(cli, fd, lb, &result);
	json_decref(result);
	if (ret) {
		close(fd);
		ctl_linebuf_free(lb);
		return ret;
	}
	/* events, frames may be hours apart */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &no_timeout,
		   sizeof(no_timeout));
	*fdp = fd;
	return 0;
}

/*
 * print_event() - one line for people, as bridge monitor does:
 * "fdb learn 52:54:00:12:34:56 vlan 0 port tap1", "port down tap1 reason
 * ...": the type, its subject (the MAC, else the port), then the other
 * members as "key value", in the daemon's order; time is left out.
 */
static void print_event(const json_t *ev)
{
	const char *type = json_string_value(json_object_get(ev, "type"));
	const char *subject = json_object_get(ev, "mac") ? "mac" : "port";
	const char *key;
	char buf[1024];
	json_t *v;
	size_t i;

	if (!type)
		return;
	for (i = 0; type[i]; i++)
		putchar(type[i] == '.' ? ' ' : type[i]);
	value_format(json_object_get(ev, subject), buf, sizeof(buf));
	if (json_object_get(ev, subject))
		printf(" %s", buf);
	json_object_foreach((json_t *)ev, key, v) {
		if (!strcmp(key, "type") || !strcmp(key, "time") ||
		    !strcmp(key, subject))
			continue;
		value_format(v, buf, sizeof(buf));
		printf(strpbrk(buf, " \"") || !*buf ? " %s \"%s\"" : " %s %s",
		       key, buf);
	}
	putchar('\n');
}

/*
 * cmd_monitor() - events.subscribe, then print each notification until a
 * signal (exit 0) or the daemon goes (exit 1).
 */
static int cmd_monitor(const struct cli *cli, const struct cmd *cmd,
		       int argc, char **argv)
{
	json_t *params = json_object(), *names = json_array(), *msg = NULL, *ev;
	struct ctl_linebuf lb;
	char *line;
	size_t len;
	int i, fd, ret;

	for (i = 0; i < argc; i++)
		json_array_append_new(names, json_string(argv[i]));
	if (!params || json_object_set_new(params, "events", names))
		return fail(EXIT_DAEMON, "out of memory");
	if (!argc) {
		json_decref(params);
		params = NULL;
	}
	ret = cli_stream_open(cli, cmd->method, params, &fd, &lb);
	if (ret)
		return ret;
	while (!ret && !cli_stop) {
		ret = sock_recv_line(fd, &lb, &line, &len);
		if (ret == -EINTR)
			ret = 0;
		else if (ret == -ECONNRESET)
			ret = fail(EXIT_DAEMON, "%s: %s", cli->socket,
				   "tapswd closed the connection");
		else if (ret)
			ret = cli_recv_error(cli, ret);
		if (ret || cli_stop)
			break;
		msg = json_loadb(line, len, 0, NULL);
		ev = json_object_get(msg, "params");
		if (json_is_object(ev) && json_is_string(json_object_get(
			msg, "method"))) {
			if (cli->json)
				json_print(cli, ev);
			else
				print_event(ev);
			if (fflush(stdout))
				ret = fail(EXIT_DAEMON,
					   "write error on standard output");
		}
		json_decref(msg);
	}
	if (cli_stop)
		ret = 0;
	close(fd);
	ctl_linebuf_free(&lb);
	return ret;
}

/* --- capture */

/* write_all() - all of @buf to @fd; 0 or -errno */
static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR && !cli_stop)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * capture_args() - PORT [in|out|both] [-w FILE|-] [-c N] into @params and
 * *@file; 0 or an exit status, the error printed
 */
static int capture_args(const struct cmd *cmd, int argc, char **argv,
			json_t *params, const char **file)
{
	unsigned long n;
	const char *w;
	int i;

	json_object_set_new(params, "port", json_string(argv[0]));
	for (i = 1; i < argc; i++) {
		w = argv[i];
		if (!strcmp(w, "in") || !strcmp(w, "out") ||
		    !strcmp(w, "both")) {
			if (json_object_get(params, "direction"))
				return arg_error(cmd, "one direction only");
			json_object_set_new(params, "direction",
					    json_string(w));
		} else if (!strcmp(w, "-w") || !strcmp(w, "--write") ||
			   !strcmp(w, "write")) {
			if (++i >= argc)
				return arg_error(cmd, "'%s' needs a file", w);
			*file = argv[i];
		} else if (!strcmp(w, "-c") || !strcmp(w, "--count") ||
			   !strcmp(w, "count")) {
			if (++i >= argc || parse_uint(argv[i], UINT32_MAX, &n) ||
			    !n)
				return arg_error(cmd, "'%s' needs a number of "
						 "frames (1 or more)", w);
			json_object_set_new(params, "count",
					    json_integer((json_int_t)n));
		} else {
			return usage_error(cmd);
		}
	}
	return 0;
}

/*
 * cmd_capture() - capture.start, then copy the pcapng stream that follows
 * the reply to FILE (or standard output) until tapswd ends it (-c N, the
 * port went) or a signal comes; standard output closed on us (tcpdump -c
 * is done) is a normal end too.
 */
static int cmd_capture(const struct cli *cli, const struct cmd *cmd,
		       int argc, char **argv)
{
	json_t *params = json_object();
	const char *file = "-";
	struct ctl_linebuf lb;
	char buf[64 * 1024];
	int fd, out = STDOUT_FILENO, ret;
	ssize_t n;

	if (!params)
		return fail(EXIT_DAEMON, "out of memory");
	ret = capture_args(cmd, argc, argv, params, &file);
	if (ret) {
		json_decref(params);
		return ret;
	}
	if (!strcmp(file, "-") && isatty(STDOUT_FILENO)) {
		json_decref(params);
		return fail(EXIT_USAGE, "capture: not writing pcapng to a "
			    "terminal: -w FILE, or pipe it (-w - | tcpdump -r -)");
	}
	signal(SIGPIPE, SIG_IGN);
	ret = cli_stream_open(cli, cmd->method, params, &fd, &lb);
	if (ret)
		return ret;
	/* the file only once tapswd said yes, as tcpdump -w */
	if (strcmp(file, "-")) {
		out = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			   0644);
		if (out < 0) {
			ret = fail(EXIT_DAEMON, "%s: %s", file,
				   strerror(errno));
			out = STDOUT_FILENO;
		}
	}
	/* the stream's first bytes may have come with the reply */
	if (!ret && lb.len > lb.consumed)
		ret = write_all(out, lb.buf + lb.consumed,
				lb.len - lb.consumed);
	while (!ret && !cli_stop) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		ret = write_all(out, buf, (size_t)n);
	}
	if (ret == -EPIPE || (ret == -EINTR && cli_stop))
		ret = 0;
	else if (ret < 0)
		ret = fail(EXIT_DAEMON, "capture: %s", strerror(-ret));
	close(fd);
	ctl_linebuf_free(&lb);
	if (out != STDOUT_FILENO && close(out) < 0 && !ret)
		ret = fail(EXIT_DAEMON, "%s: %s", file, strerror(errno));
	return ret;
}

static const struct arg_kw kw_mirror_add[] = {
	{ "src", "src", ARG_NAMES, false },
	{ "dst", "dst", ARG_NAMES, false },
	{ "vlan", "vlan", ARG_VIDS, false },
	{ "to", "output", ARG_STRING, true },
	{ .word = NULL },
};

static const struct arg_kw kw_port_add[] = {
	{ "mtu", "mtu", ARG_UINT, false },
	{ "owner", "owner", ARG_ID, false },
	{ "group", "group", ARG_ID, false },
	{ "offload", "offload", ARG_ONOFF, false },
	{ "vm", "vm", ARG_KIND, false },
	{ "netdev", "netdev", ARG_KIND, false },
	{ "stream", "stream", ARG_KIND_PATH, false },
	{ "dgram", "dgram", ARG_KIND_PATH, false },
	{ "vhost-user", "vhost-user", ARG_KIND_PATH, false },
	{ "vxlan", "vxlan", ARG_KIND, false },
	{ "vni", "vni", ARG_UINT, false },
	{ "local", "local", ARG_STRING, false },
	{ "remote", "remote", ARG_LIST, false },
	{ "dstport", "dstport", ARG_UINT, false },
	{ "ttl", "ttl", ARG_UINT, false },
	{ "tos", "tos", ARG_UINT, false },
	{ "udpcsum", "udpcsum", ARG_ONOFF, false },
	{ "map", "map", ARG_LIST, false },
	{ "mode", "mode", ARG_STRING, false },
	{ "netns", "netns", ARG_STRING, false },
	{ "access", "access", ARG_VLAN, false },
	{ "trunk", "trunk", ARG_VLAN, false },
	{ "native", "native", ARG_VLAN, false },
	{ .word = NULL },
};
static const struct arg_kw kw_port_del[] = {
	{ "destroy", "destroy", ARG_FLAG, false },
	{ .word = NULL },
};
static const struct arg_kw kw_port_set[] = {
	{ "mtu", "mtu", ARG_UINT, false },
	{ "max-macs", "max_macs", ARG_UINT, false },
	{ "access", "access", ARG_VLAN, false },
	{ "trunk", "trunk", ARG_VLAN, false },
	{ "native", "native", ARG_VLAN, false },
	{ "vlan", "none", ARG_VLAN, false },
	{ "remote", "remote", ARG_REMOTE, false },
	{ "stp_cost", "stp_cost", ARG_UINT, false },
	{ "stp_priority", "stp_priority", ARG_UINT, false },
	{ "stp_edge", "stp_edge", ARG_ONOFF, false },
	{ "stp_auto_edge", "stp_auto_edge", ARG_ONOFF, false },
	{ .word = NULL },
};
static const struct arg_kw kw_stp_set[] = {
	{ "mode", "mode", ARG_STRING, false },
	{ "priority", "priority", ARG_UINT, false },
	{ "hello", "hello", ARG_UINT, false },
	{ "max-age", "max_age", ARG_UINT, false },
	{ "forward-delay", "forward_delay", ARG_UINT, false },
	{ NULL, NULL, 0, false },
};

static const struct arg_kw kw_fdb_show[] = {
	{ "port", "port", ARG_STRING, false },
	{ "vlan", "vlan", ARG_UINT, false },
	{ .word = NULL },
};
static const struct arg_kw kw_fdb_add[] = {
	{ "port", "port", ARG_STRING, true },
	{ "vlan", "vlan", ARG_UINT, false },
	{ "dst", "dst", ARG_STRING, false },
	{ .word = NULL },
};
static const struct arg_kw kw_fdb_del[] = {
	{ "vlan", "vlan", ARG_UINT, false },
	{ .word = NULL },
};
static const struct arg_kw kw_fdb_flush[] = {
	{ "port", "port", ARG_STRING, false },
	{ "static", "static", ARG_FLAG, false },
	{ .word = NULL },
};
static const struct arg_kw kw_port_name[] = {
	{ "port", "port", ARG_STRING, false },
	{ .word = NULL },
};

static const struct cmd cmds[] = {
	{ "port", "add",
	  "NAME [vm | netdev | stream PATH | dgram PATH | vhost-user PATH | "
	  "vxlan vni N local IP [remote IP]... [dstport N] [ttl N] [tos N] "
	  "[udpcsum on|off] [map VID:VNI]...] "
	  "[mtu N] "
	  "[owner USER] [group GROUP] [mode MODE] [offload on|off] "
	  "[netns NS] [access VID | trunk VID,... [native VID]]",
	  "add a port: TAP NAME (created persistent if needed), a TAP for a "
	  "VM, an existing interface, a QEMU socket, a vhost-user socket or "
	  "a VXLAN tunnel to other hosts",
	  1, 22 + 14 + 4 * VXLAN_CLI_REMOTES + 2 * PORT_FLAG_COUNT, cmd_generic, "port.add", { "name" },
	  kw_port_add, NULL, NULL, false, .port_flags = true },
	{ "port", "del", "NAME [destroy]",
	  "detach a port; destroy also deletes its TAP",
	  1, 2, cmd_generic, "port.del", { "name" }, kw_port_del,
	  NULL, NULL, false },
	{ "port", "list", "", "the ports with their counters",
	  0, 0, cmd_generic, "port.list", { NULL }, NULL,
	  print_port_list, "ports", true },
	{ "port", "show", "[NAME]", "one port in detail (all: port list)",
	  0, 1, cmd_port_show, "port.show", { "name" }, NULL,
	  print_port, NULL, false },
	{ "port", "set", "NAME [mtu N] [max-macs N] "
	  "[access VID | trunk VID,... [native VID] | vlan none] "
	  "[remote add|del IP]... "
	  "[stp_cost N] [stp_priority N] [stp_edge on|off] "
	  "[stp_auto_edge on|off]",
	  "change a port's MTU, cap the MACs it may hold (0: no cap), "
	  "set its VLAN mode and its bridge controls, a vxlan port's remotes, "
	  "its spanning tree cost (0: default), priority (0-240, by 16) and "
	  "edge",
	  1, 19 + 3 * VXLAN_CLI_REMOTES + 2 * PORT_FLAG_COUNT, cmd_generic,
	  "port.set", { "name" },
	  kw_port_set, NULL, NULL, false, .port_flags = true },
	{ "fdb", "show", "[port NAME] [vlan VID]", "the MAC table",
	  0, 4, cmd_generic, "fdb.show", { NULL }, kw_fdb_show,
	  print_fdb, "entries", true },
	{ "fdb", "add", "MAC port NAME [vlan VID] [dst IP]",
	  "a static entry: never ages, never moves (dst: a vxlan port's "
	  "remote)",
	  1, 7, cmd_generic, "fdb.add", { "mac" }, kw_fdb_add,
	  NULL, NULL, false },
	{ "fdb", "del", "MAC [vlan VID]", "remove an entry",
	  1, 3, cmd_generic, "fdb.del", { "mac" }, kw_fdb_del,
	  NULL, NULL, false },
	{ "fdb", "flush", "[port NAME] [static]",
	  "remove learned entries (with static: static ones too)",
	  0, 3, cmd_generic, "fdb.flush", { NULL }, kw_fdb_flush,
	  print_flush, NULL, false },
	{ "stats", "show", "", "switch, FDB and port counters",
	  0, 0, cmd_generic, "stats.show", { NULL }, NULL,
	  print_stats, NULL, true },
	{ "stats", "clear", "[port NAME]", "zero the counters",
	  0, 2, cmd_generic, "stats.clear", { NULL }, kw_port_name,
	  NULL, NULL, false },
	{ "stp", "show", "", "the spanning tree: bridge and root ids, root "
	  "port and cost, topology changes, each port's role and state",
	  0, 0, cmd_generic, "stp.show", { NULL }, NULL,
	  print_stp, NULL, true },
	{ "stp", "set", "[mode rstp|stp|off] [priority N] [hello S] "
	  "[max-age S] [forward-delay S]",
	  "turn the spanning tree on or off, set the bridge priority "
	  "(by 4096) and timers",
	  1, 10, cmd_generic, "stp.set", { NULL }, kw_stp_set,
	  print_stp, NULL, false },
	{ "show", NULL, "", "the switch: version, uptime, settings, FDB",
	  0, 0, cmd_generic, "switch.show", { NULL }, NULL,
	  print_switch, NULL, true },
	{ "monitor", NULL, "[all | port | fdb | TYPE]...",
	  "print port and FDB events as they happen, until interrupted "
	  "(TYPE: fdb.learn, port.down, ...)",
	  0, 16, cmd_monitor, "events.subscribe", { NULL }, NULL,
	  NULL, NULL, true },
	{ "mirror", "add",
	  "NAME [src PORT,...] [dst PORT,...] [vlan VID,...] to PORT",
	  "copy the frames received on the src ports and sent out of the "
	  "dst ports (all, with neither), of those VLANs, out of PORT; PORT "
	  "then takes no other traffic",
	  3, 9, cmd_generic, "mirror.add", { "name" }, kw_mirror_add,
	  NULL, NULL, false },
	{ "mirror", "del", "NAME", "remove a mirror",
	  1, 1, cmd_generic, "mirror.del", { "name" }, NULL,
	  NULL, NULL, false },
	{ "mirror", "list", "", "the mirrors with their counters",
	  0, 0, cmd_generic, "mirror.list", { NULL }, NULL,
	  print_mirror_list, "mirrors", true },
	{ "capture", NULL, "PORT [in|out|both] [-w FILE|-] [-c N]",
	  "stream a port's frames as pcapng (tapswctl capture tap1 -w - | "
	  "tcpdump -r -), until interrupted or N frames",
	  1, 6, cmd_capture, "capture.start", { NULL }, NULL,
	  NULL, NULL, true },
	{ "call", NULL, "METHOD [JSON-PARAMS]",
	  "any JSON-RPC method; prints the result as JSON",
	  1, 2, cmd_call, NULL, { NULL }, NULL, NULL, NULL, true },
};

static void help(FILE *f)
{
	char title[64], usage[USAGE_MAX];
	unsigned int i;

	fprintf(f,
"Usage: tapswctl [-s SOCK] [-j] [-p] OBJECT [COMMAND] [ARGS]\n"
"Control a running tapswd.\n"
"\n"
"  -s, --socket SOCK  control socket (default: $TAPSW_SOCKET, else\n"
"                     " DEFAULT_SOCKET ")\n"
"  -j, --json         JSON output for scripts (lists as arrays)\n"
"  -p, --pretty       indented JSON (implies -j)\n"
"  -h, --help         this help\n"
"  -V, --version      print the version\n"
"\n"
"Commands (keywords may also be written --mtu N or --mtu=N):\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		cmd_title(&cmds[i], title, sizeof(title));
		cmd_usage(&cmds[i], usage, sizeof(usage));
		fprintf(f, "  %s%s%s\n      %s\n", title, usage[0] ? " " : "",
			usage, cmds[i].help);
	}
	fprintf(f,
"\n"
"Objects and commands may be abbreviated; an object alone runs its\n"
"list or show command.  Exit status: 0 ok, 1 tapswd error, 2 usage.\n");
}

/*
 * cmd_find() - the command for @object [@name], matching prefixes.  An
 * exact match wins; a prefix must be unambiguous.  *@used is how many of
 * the two words named it.  Returns NULL with the error printed.
 */
static const struct cmd *cmd_find(const char *object, const char *name,
				  int *used)
{
	const char *obj = NULL, *cand;
	const struct cmd *found = NULL;
	unsigned int i, n = 0;

	/* the object (the table is grouped by object) */
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		cand = cmds[i].object;
		if (i && !strcmp(cand, cmds[i - 1].object))
			continue;
		if (!strcmp(cand, object)) {
			obj = cand;
			n = 1;
			break;
		}
		if (*object && !strncmp(cand, object, strlen(object))) {
			obj = cand;
			n++;
		}
	}
	if (!obj) {
		fail(EXIT_USAGE, "unknown object '%s' (try tapswctl -h)",
		     object);
		return NULL;
	}
	if (n > 1) {
		fail(EXIT_USAGE, "ambiguous object '%s' (try tapswctl -h)",
		     object);
		return NULL;
	}

	/* the command: none, the default, or by name */
	*used = 1;
	n = 0;
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		if (strcmp(cmds[i].object, obj))
			continue;
		if (!cmds[i].name || (!name && cmds[i].is_default))
			return &cmds[i];
		if (!name)
			continue;
		if (!strcmp(cmds[i].name, name)) {
			*used = 2;
			return &cmds[i];
		}
		if (*name && !strncmp(cmds[i].name, name, strlen(name))) {
			found = &cmds[i];
			n++;
		}
	}
	if (n == 1) {
		*used = 2;
		return found;
	}
	{
		char list[256] = "";

		for (i = 0; i < ARRAY_SIZE(cmds); i++)
			if (!strcmp(cmds[i].object, obj) && cmds[i].name &&
			    strlen(list) + strlen(cmds[i].name) + 2 <
			    sizeof(list)) {
				strcat(list, " ");
				strcat(list, cmds[i].name);
			}
		fail(EXIT_USAGE, "%s: %s command%s%s%s (one of:%s)", obj,
		     n ? "ambiguous" : name ? "unknown" : "missing",
		     name ? " '" : "", name ? name : "", name ? "'" : "",
		     list);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { .socket = getenv("TAPSW_SOCKET") };
	const struct cmd *cmd;
	int opt, used = 0, n, ret;

	if (!cli.socket || !*cli.socket)
		cli.socket = DEFAULT_SOCKET;
	opterr = 0;
	/* '+': stop at OBJECT, so that "--mtu" belongs to the command */
	while ((opt = getopt_long(argc, argv, "+s:jphV", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			cli.socket = optarg;
			break;
		case 'j':
			cli.json = true;
			break;
		case 'p':
			cli.json = cli.pretty = true;
			break;
		case 'h':
			help(stdout);
			return fflush(stdout) ? EXIT_DAEMON : 0;
		case 'V':
			printf("tapswctl (%s) %s\n", PACKAGE_NAME,
			       PACKAGE_VERSION);
			return fflush(stdout) ? EXIT_DAEMON : 0;
		default:
			if (optopt == 's')
				return fail(EXIT_USAGE,
					    "-s needs a socket path");
			if (optopt)
				return fail(EXIT_USAGE,
					    "unknown option '-%c'%s", optopt,
					    " (try tapswctl -h)");
			return fail(EXIT_USAGE, "unknown option '%s'%s",
				    argv[optind - 1], " (try tapswctl -h)");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help")) {
		help(stdout);
		return fflush(stdout) ? EXIT_DAEMON : 0;
	}

	cmd = cmd_find(argv[0], argc > 1 ? argv[1] : NULL, &used);
	if (!cmd)
		return EXIT_USAGE;
	n = argc - used;
	if (n < cmd->min_args || n > cmd->max_args)
		return usage_error(cmd);
	ret = cmd->run(&cli, cmd, n, argv + used);
	if (fflush(stdout) && !ret)
		ret = fail(EXIT_DAEMON, "write error on standard output");
	return ret;
}
