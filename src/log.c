// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c - leveled logging to stderr.
 *
 * tapswd runs in the foreground; stderr goes to the terminal or to the
 * journal.  Each line is "tapswd: level: message".  errno is preserved
 * across calls so callers can log before returning -errno.
 */
#include "tapsw/tapsw.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tapsw/log.h"

static const char *log_ident = "tapsw";
static enum log_level log_level = LOG_LVL_INFO;

static const char *const level_names[] = {
	[LOG_LVL_ERR] = "error",
	[LOG_LVL_WARN] = "warning",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

void log_init(const char *ident, enum log_level level)
{
	log_ident = ident;
	log_level = level;
}

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

static void log_vmsg(enum log_level level, int errnum, const char *fmt,
		     va_list ap)
{
	char line[1024];
	int saved = errno;
	int n;

	if (level > log_level)
		return;
	n = snprintf(line, sizeof(line), "%s: %s: ", log_ident,
		     level_names[level]);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(line))
		n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (errnum && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, ": %s",
			 strerror(errnum < 0 ? -errnum : errnum));
	fprintf(stderr, "%s\n", line);
	errno = saved;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, 0, fmt, ap);
	va_end(ap);
}

void log_perror_msg(enum log_level level, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, errnum, fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_ERR, 0, fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}

enum { RL_INTERVAL_MS = 5000, RL_BURST = 5 };

bool log_ratelimit(struct log_ratelimit *rl, uint64_t now_ms)
{
	if (now_ms - rl->window_start_ms >= RL_INTERVAL_MS) {
		if (rl->suppressed)
			log_msg(LOG_LVL_INFO, "%u similar messages suppressed",
				rl->suppressed);
		rl->window_start_ms = now_ms;
		rl->count = 0;
		rl->suppressed = 0;
	}
	if (rl->count < RL_BURST) {
		rl->count++;
		return true;
	}
	rl->suppressed++;
	return false;
}
