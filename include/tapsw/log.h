/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - leveled logging to stderr (tapswd runs in the foreground, systemd
 * style, so journald adds timestamps and the unit name).
 *
 * Traffic never goes to the log: per-frame events are counters.  Lines that
 * an attacker could trigger repeatedly (a MAC moving, a bad control client)
 * go through log_ratelimit().
 */
#ifndef TAPSW_LOG_H
#define TAPSW_LOG_H

#include "tapsw.h"

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

void log_init(const char *ident, enum log_level level);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_perror_msg(enum log_level level, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* one call site's state for log_ratelimit() */
struct log_ratelimit {
	uint64_t window_start_ms;
	unsigned int count;
	unsigned int suppressed;
};

/**
 * log_ratelimit() - May this call site log now?
 * @rl: The call site's state.
 * @now_ms: The clock.
 *
 * Return: true at most a burst of times per interval (RL_BURST,
 * RL_INTERVAL_MS in log.c) for @rl.
 */
bool log_ratelimit(struct log_ratelimit *rl, uint64_t now_ms);

#define err(...)	log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define debug(...)						\
	do {							\
		if (log_get_level() >= LOG_LVL_DEBUG)		\
			log_msg(LOG_LVL_DEBUG, __VA_ARGS__);	\
	} while (0)
/* errnum is a positive or negative errno value */
#define err_perror(e, ...)	log_perror_msg(LOG_LVL_ERR, (e), __VA_ARGS__)
#define warn_perror(e, ...)	log_perror_msg(LOG_LVL_WARN, (e), __VA_ARGS__)

#endif /* TAPSW_LOG_H */
