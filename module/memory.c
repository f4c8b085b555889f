// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP memory accounting for the protocol as a whole, as TCP's tcp_mem.
 *
 * Every byte queued to send or to receive is charged through the socket
 * core (sk_wmem_schedule()/sk_rmem_schedule(), sk_mem_charge(), and
 * sk_mem_uncharge() as it goes) against one counter, memory_allocated, in
 * pages.  /proc/sys/net/xtcp/mem (initial namespace only: the counter is
 * the protocol's, not a namespace's) holds min, pressure and max:
 *  - below min nothing is limited;
 *  - above pressure the protocol is under memory pressure
 *    (/proc/net/protocols, "press"; MemoryPressures counts the entries):
 *    send buffers stop growing, and a socket is granted more only while
 *    it holds less than its fair share (__sk_mem_raise_allocated());
 *  - above max nothing more is granted: a sender waits for memory (or
 *    gets EAGAIN), and a segment that cannot be charged is dropped
 *    (RcvMemDrops) for the peer to send again.  Each socket keeps its
 *    minimum (4096 bytes each way, rmem[0]/wmem[0]'s default) even then.
 * So memory queued in sockets, however many and however stalled their
 * readers, stays near max pages.
 */
#include <linux/mm.h>
#include <linux/percpu_counter.h>
#include <linux/sysctl.h>
#include <net/sock.h>

#include "xtcp.h"

atomic_long_t xtcp_memory_allocated;
DEFINE_PER_CPU(int, xtcp_memory_per_cpu_fw_alloc);
struct percpu_counter xtcp_sockets_allocated;
unsigned long xtcp_memory_pressure;
long xtcp_sysctl_mem[3];

/* The minimum each socket keeps under pressure (sk_get_rmem0()...). */
int xtcp_prot_rmem[3] = { 4096, 131072, 6291456 };
int xtcp_prot_wmem[3] = { 4096, 16384, 4194304 };

void xtcp_enter_memory_pressure(struct sock *sk)
{
	if (!READ_ONCE(xtcp_memory_pressure)) {
		WRITE_ONCE(xtcp_memory_pressure, 1);
		xtcp_inc(sock_net(sk), XTCP_MIB_MEMORY_PRESSURES);
	}
}

void xtcp_leave_memory_pressure(struct sock *sk)
{
	if (READ_ONCE(xtcp_memory_pressure))
		WRITE_ONCE(xtcp_memory_pressure, 0);
}

static unsigned long xtcp_mem_min = 1;

static struct ctl_table xtcp_mem_table[] = {
	{
		.procname	= "mem",
		.data		= &xtcp_sysctl_mem,
		.maxlen		= sizeof(xtcp_sysctl_mem),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
		.extra1		= &xtcp_mem_min,
	},
	{ }
};

static struct ctl_table_header *xtcp_mem_hdr;

/* Defaults sized to the machine, as tcp_init_mem() does. */
int xtcp_memory_init(void)
{
	unsigned long limit = max(nr_free_buffer_pages() / 16, 128UL);
	int err;

	xtcp_sysctl_mem[0] = limit / 4 * 3;
	xtcp_sysctl_mem[1] = limit;
	xtcp_sysctl_mem[2] = xtcp_sysctl_mem[0] * 2;
	err = percpu_counter_init(&xtcp_sockets_allocated, 0, GFP_KERNEL);
	if (err)
		return err;
	xtcp_mem_hdr = xtcp_register_net_sysctl(&init_net, "net/xtcp",
						xtcp_mem_table,
						ARRAY_SIZE(xtcp_mem_table) - 1);
	if (!xtcp_mem_hdr) {
		percpu_counter_destroy(&xtcp_sockets_allocated);
		return -ENOMEM;
	}
	return 0;
}

void xtcp_memory_exit(void)
{
	unregister_net_sysctl_table(xtcp_mem_hdr);
	percpu_counter_destroy(&xtcp_sockets_allocated);
}

/*
 * The socket is going, its queues purged: its forward allocation, whole
 * pages once every charge has had its uncharge, goes back to the
 * protocol.  Anything else is counted (MemoryUnreturned; the tests want
 * 0), where inet_sock_destruct() would WARN.
 */
void xtcp_memory_release(struct sock *sk)
{
	if (sk->sk_forward_alloc > 0)
		__sk_mem_reclaim(sk, sk->sk_forward_alloc);
	if (sk->sk_forward_alloc)
		xtcp_inc(sock_net(sk), XTCP_MIB_MEMORY_UNRETURNED);
	sk_sockets_allocated_dec(sk);
}
