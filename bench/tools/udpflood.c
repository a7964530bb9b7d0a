/*
 * udpflood - tiny UDP small-packet generator / sink for the L2 switch bench.
 *
 *   udpflood send <dst_ipv4> <port> <payload_bytes> <seconds> [rate_pps]
 *       Sends fixed-size UDP datagrams with sendmmsg() (batches of 32) to
 *       dst:port for <seconds>.  rate_pps = 0 (default) means "as fast as
 *       possible".  Prints one JSON line:
 *       {"sent":N,"secs":S,"pps":P,"errors":E}
 *
 *   udpflood recv <bind_ipv4> <port> <max_seconds> [idle_ms]
 *       Counts datagrams with recvmmsg().  Stops when <max_seconds> have
 *       passed, or when no datagram arrived for idle_ms (default 700) after
 *       the first one.  The rate is computed between the first and the last
 *       datagram.  Prints one JSON line:
 *       {"received":N,"bytes":B,"secs":S,"pps":P,"seq_max":M,"reordered":R}
 *       reordered = datagrams whose sequence number is below the highest one
 *       already received (late arrivals; losses are not counted as such).
 *
 * Traffic only ever goes to the address given on the command line; the
 * bench only passes addresses that live in its own network namespaces.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32
#define MAXPAY 9000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int do_send(const char *ip, int port, int len, double secs, double rate)
{
    if (len < 8 || len > MAXPAY) {
        fprintf(stderr, "payload must be 8..%d\n", MAXPAY);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) { perror("socket"); return 1; }
    struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(port) };
    if (inet_pton(AF_INET, ip, &dst.sin_addr) != 1) { fprintf(stderr, "bad ip\n"); return 2; }
    if (connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0) { perror("connect"); return 1; }
    int sb = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sb, sizeof sb);

    static char buf[BATCH][MAXPAY];
    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];
    memset(buf, 0, sizeof buf);
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = buf[i];
        iov[i].iov_len = len;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    uint64_t seq = 0, errors = 0;
    double t0 = now(), t = t0, end = t0 + secs;
    while (t < end) {
        for (int i = 0; i < BATCH; i++) {
            uint64_t s = seq + i;
            memcpy(buf[i], &s, 8);
        }
        int n = sendmmsg(fd, msgs, BATCH, 0);
        if (n < 0) {
            if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED && errno != EINTR) {
                perror("sendmmsg");
                return 1;
            }
            errors++;
        } else {
            seq += n;
        }
        t = now();
        if (rate > 0) {
            double due = t0 + seq / rate;
            while (t < due && t < end) {
                if (due - t > 200e-6) {
                    struct timespec ts = { 0, (long)((due - t) * 1e9 / 2) };
                    nanosleep(&ts, NULL);
                }
                t = now();
            }
        }
    }
    double el = now() - t0;
    printf("{\"sent\":%llu,\"secs\":%.6f,\"pps\":%.1f,\"errors\":%llu}\n",
           (unsigned long long)seq, el, seq / el, (unsigned long long)errors);
    return 0;
}

static int do_recv(const char *ip, int port, double max_secs, int idle_ms)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) { perror("socket"); return 1; }
    int rb = 32 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rb, sizeof rb) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rb, sizeof rb);
    struct timeval tv = { 0, 100000 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) { fprintf(stderr, "bad ip\n"); return 2; }
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
    /* tell the harness we are ready */
    fprintf(stderr, "ready\n");
    fflush(stderr);

    static char buf[BATCH][2048];
    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = buf[i];
        iov[i].iov_len = sizeof buf[i];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    uint64_t count = 0, bytes = 0, seq_max = 0, reordered = 0;
    double start = now(), first = 0, last = 0;
    for (;;) {
        int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
        double t = now();
        if (n > 0) {
            if (!count) first = t;
            last = t;
            count += n;
            for (int i = 0; i < n; i++) {
                bytes += msgs[i].msg_len;
                if (msgs[i].msg_len >= 8) {
                    uint64_t s;
                    memcpy(&s, buf[i], 8);
                    if (s > seq_max) seq_max = s;
                    else if (count - n + i > 0) reordered++;
                }
            }
        } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            perror("recvmmsg");
            return 1;
        }
        if (t - start > max_secs) break;
        if (count && (t - last) * 1000.0 > idle_ms) break;
    }
    double el = last - first;
    printf("{\"received\":%llu,\"bytes\":%llu,\"secs\":%.6f,\"pps\":%.1f,\"seq_max\":%llu,\"reordered\":%llu}\n",
           (unsigned long long)count, (unsigned long long)bytes, el,
           el > 0 ? count / el : 0.0, (unsigned long long)seq_max,
           (unsigned long long)reordered);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 6 && !strcmp(argv[1], "send"))
        return do_send(argv[2], atoi(argv[3]), atoi(argv[4]), atof(argv[5]),
                       argc > 6 ? atof(argv[6]) : 0);
    if (argc >= 5 && !strcmp(argv[1], "recv"))
        return do_recv(argv[2], atoi(argv[3]), atof(argv[4]),
                       argc > 5 ? atoi(argv[5]) : 700);
    fprintf(stderr,
            "usage: %s send <dst_ipv4> <port> <payload> <seconds> [rate_pps]\n"
            "       %s recv <bind_ipv4> <port> <max_seconds> [idle_ms]\n",
            argv[0], argv[0]);
    return 2;
}
