/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stp.h - the spanning tree protocol: RSTP (802.1w, 802.1D-2004 clause 17),
 * and 802.1D STP on the ports whose neighbour speaks only that.
 *
 * A pure module: port information, role selection, port state transitions,
 * topology change handling, proposal/agreement on point-to-point links and
 * port protocol migration, driven by three kinds of events:
 * stp_port_enable() (a link came or went), stp_receive() (a BPDU) and
 * stp_tick() (time, in milliseconds of the caller's clock).  It does no
 * I/O: what it decides goes back through struct stp_ops (send a frame, set
 * a port's forwarding state, flush a port's learned addresses, say that a
 * role or state changed).  Times are in whole seconds, as the standard's
 * state machines count them, ticked once a second.
 *
 * Ports are numbered 1-4095 (the 12-bit port number of a port identifier);
 * the caller uses its port index + 1.
 *
 * What is simplified from the standard, and why it is safe: the state
 * machines are written as one function per machine run to a fixed point
 * after each event rather than as literal state tables; "synced" is
 * computed (discarding, agreed or edge) rather than kept; the
 * point-to-point MAC detection is not implemented (every port is
 * point-to-point, as a veth, TAP or socket is).
 */
#ifndef TAPSW_STP_H
#define TAPSW_STP_H

#include "tapsw.h"
#include "ether.h"
#include "stp_bpdu.h"

enum stp_mode {
	STP_MODE_OFF = 0,
	STP_MODE_STP,		/* force version 0: 802.1D BPDUs only */
	STP_MODE_RSTP,		/* force version 2 */
};

enum stp_role {
	STP_ROLE_DISABLED = 0,
	STP_ROLE_ROOT,
	STP_ROLE_DESIGNATED,
	STP_ROLE_ALTERNATE,
	STP_ROLE_BACKUP,
};

enum stp_state {
	STP_STATE_DISABLED = 0,	/* port not enabled (link down) */
	STP_STATE_DISCARDING,
	STP_STATE_LEARNING,
	STP_STATE_FORWARDING,
};

enum {
	STP_PORT_MAX = 4095,
	STP_DEFAULT_PRIORITY = 32768,
	STP_DEFAULT_PORT_PRIORITY = 128,
	STP_DEFAULT_PATH_COST = 20000,	/* 802.1D-2004 table 17-3: 1 Gb/s */
	STP_DEFAULT_HELLO = 2,
	STP_DEFAULT_MAX_AGE = 20,
	STP_DEFAULT_FWD_DELAY = 15,
	STP_MIGRATE_TIME = 3,
	STP_TX_HOLD_COUNT = 6,
	STP_PATH_COST_MAX = 200000000,
};

struct stp_config {
	enum stp_mode mode;
	unsigned int priority;		/* 0-61440, a multiple of 4096 */
	unsigned int hello;		/* 1-10 s */
	unsigned int max_age;		/* 6-40 s */
	unsigned int fwd_delay;		/* 4-30 s (2 with the kernel's checks) */
	uint8_t mac[ETHER_ADDR_LEN];	/* the bridge address */
};

/* what the protocol asks of its caller; @arg is stp_new()'s */
struct stp_ops {
	void (*send)(void *arg, unsigned int port_no, const uint8_t *frame,
		     size_t len);
	void (*set_state)(void *arg, unsigned int port_no,
			  enum stp_state state);
	void (*flush)(void *arg, unsigned int port_no);
	void (*changed)(void *arg, unsigned int port_no);
};

struct stp_port_config {
	unsigned int priority;		/* 0-240, a multiple of 16 */
	uint32_t cost;			/* 1-200000000; 0: the default */
	bool admin_edge;
	bool auto_edge;
};

struct stp_port_stats {
	uint64_t rx_bpdu;		/* BPDUs taken, of any type */
	uint64_t rx_config;
	uint64_t rx_tcn;
	uint64_t rx_rst;
	uint64_t tx_bpdu;
	uint64_t rx_bad[STP_BPDU_ERR_MAX];	/* by reason */
	uint64_t rx_bad_total;
	uint64_t fwd_transitions;	/* times it went forwarding */
};

/* a port, for people (stp_port_info()) */
struct stp_port_info {
	enum stp_role role;
	enum stp_state state;
	bool oper_edge;
	bool send_rstp;		/* false: this neighbour speaks 802.1D */
	uint16_t port_id;
	uint32_t path_cost;
	uint64_t designated_root;
	uint64_t designated_bridge;
	uint16_t designated_port;
	uint32_t designated_cost;
	struct stp_port_config cfg;
	struct stp_port_stats stats;
};

/* the bridge, for people (stp_info()) */
struct stp_info {
	uint64_t bridge_id;
	uint64_t root_id;
	uint32_t root_path_cost;
	unsigned int root_port;		/* 0: this bridge is the root */
	unsigned int max_age, hello, fwd_delay;	/* in use (the root's) */
	uint64_t tc_count;		/* topology changes detected here,
					 * told by a TCN, or heard of (TC flag)
					 * when none was going on */
	uint64_t tc_last_ms;		/* when the last began, 0: never */
	bool tc_active;			/* one is being signalled now */
	struct stp_config cfg;
};

struct stp;

/**
 * stp_config_check() - Check a bridge configuration (802.1D-2004 17.14).
 * @cfg: The configuration.
 * @why: A one-line reason, on failure.
 * @whylen: Size of @why.
 *
 * Return: 0, or -EINVAL with the reason in @why.
 */
int stp_config_check(const struct stp_config *cfg, char *why, size_t whylen);

/**
 * stp_config_default() - Fill in the standard's defaults for @mode.
 * @cfg: The configuration.
 * @mode: The mode.
 */
void stp_config_default(struct stp_config *cfg, enum stp_mode mode);

/**
 * stp_new() - A bridge running @cfg, with no ports.
 * @cfg: The configuration (checked by stp_config_check()).
 * @ops: Where its decisions go.
 * @arg: For @ops.
 * @now_ms: The clock now.
 *
 * Return: the bridge, or NULL (errno ENOMEM).
 */
struct stp *stp_new(const struct stp_config *cfg, const struct stp_ops *ops,
		    void *arg, uint64_t now_ms);

/**
 * stp_free() - Free @stp (NULL allowed); no callbacks are made.
 * @stp: The bridge.
 */
void stp_free(struct stp *stp);

/**
 * stp_set_config() - Change priority, timers or mode.
 * @stp: The bridge.
 * @cfg: The new configuration (checked).
 */
void stp_set_config(struct stp *stp, const struct stp_config *cfg);

/**
 * stp_port_add() - A new port, not enabled yet.
 * @stp: The bridge.
 * @port_no: Its number, 1 to STP_PORT_MAX.
 * @mac: Its MAC, the source of its BPDUs.
 * @cfg: Its settings (priority, cost, edge), or NULL for the defaults.
 *
 * Return: 0, -EINVAL (bad number), -EEXIST or -ENOMEM.
 */
int stp_port_add(struct stp *stp, unsigned int port_no,
		 const uint8_t mac[ETHER_ADDR_LEN],
		 const struct stp_port_config *cfg);

/**
 * stp_port_del() - Forget port @port_no; the tree is recomputed.
 * @stp: The bridge.
 * @port_no: The port.
 */
void stp_port_del(struct stp *stp, unsigned int port_no);

/**
 * stp_port_enable() - Port @port_no's link came up (@up) or went down.
 * @stp: The bridge.
 * @port_no: The port.
 * @up: Its link's state.
 */
void stp_port_enable(struct stp *stp, unsigned int port_no, bool up);

/**
 * stp_port_set_config() - Change a port's priority, cost or edge setting.
 * @stp: The bridge.
 * @port_no: The port.
 * @cfg: The settings.
 *
 * Return: 0, -ENOENT (no such port) or -EINVAL (out of range).
 */
int stp_port_set_config(struct stp *stp, unsigned int port_no,
			const struct stp_port_config *cfg);

/**
 * stp_receive() - A frame to the bridge group address came in on a port.
 * @stp: The bridge.
 * @port_no: The port.
 * @frame: The frame, from its destination MAC.
 * @len: Its length.
 *
 * A malformed BPDU is counted by reason and ignored.
 *
 * Return: STP_BPDU_OK, or why the frame was not taken.
 */
enum stp_bpdu_error stp_receive(struct stp *stp, unsigned int port_no,
				const uint8_t *frame, size_t len);

/**
 * stp_tick() - Let time pass: run the timers for each whole second since
 *              the last tick.
 * @stp: The bridge.
 * @now_ms: The clock now.
 */
void stp_tick(struct stp *stp, uint64_t now_ms);

/**
 * stp_get_info() - The bridge's state, for people.
 * @stp: The bridge.
 * @info: Filled in.
 */
void stp_get_info(const struct stp *stp, struct stp_info *info);

/**
 * stp_port_get_info() - A port's role, state, settings and counters.
 * @stp: The bridge.
 * @port_no: The port.
 * @info: Filled in.
 *
 * Return: 0, or -ENOENT.
 */
int stp_port_get_info(const struct stp *stp, unsigned int port_no,
		      struct stp_port_info *info);

/**
 * stp_port_state() - A port's forwarding state (STP_STATE_DISABLED for an
 *                    unknown port).
 * @stp: The bridge.
 * @port_no: The port.
 */
enum stp_state stp_port_state(const struct stp *stp, unsigned int port_no);

/**
 * stp_port_clear_stats() - Zero a port's counters.
 * @stp: The bridge.
 * @port_no: The port.
 */
void stp_port_clear_stats(struct stp *stp, unsigned int port_no);

/**
 * stp_mode_name() - "off", "stp" or "rstp".
 * @mode: The mode.
 *
 * Return: its name.
 */
const char *stp_mode_name(enum stp_mode mode);

/**
 * stp_mode_parse() - The mode named "off", "stp" or "rstp".
 * @name: The name.
 *
 * Return: the mode, or -EINVAL.
 */
int stp_mode_parse(const char *name);

/**
 * stp_role_name() - "root", "designated", "alternate", "backup", "disabled".
 * @role: The role.
 *
 * Return: its name, "?" out of range.
 */
const char *stp_role_name(enum stp_role role);

/**
 * stp_state_name() - "forwarding", "learning", "discarding", "disabled".
 * @state: The state.
 *
 * Return: its name, "?" out of range.
 */
const char *stp_state_name(enum stp_state state);

/**
 * stp_id_format() - A bridge id as "8000.02aabbccddee", as the kernel's.
 * @id: The id.
 * @buf: At least 18 bytes.
 *
 * Return: @buf.
 */
char *stp_id_format(uint64_t id, char *buf);

#endif /* TAPSW_STP_H */
