/*
 * CPU feature detection through CPUID, done once on the boot CPU; the
 * application processors are assumed to match it (QEMU and real PCs ship
 * symmetric CPUs).
 */
#include "arch/x86_64/x86.h"
#include "arch/x86_64/cpu.h"
#include "kernel/lib/string.h"

struct cpu_features cpu_features;

static void read_signature(uint32_t leaf, char out[13])
{
	uint32_t a, b, c, d;

	cpuid(leaf, 0, &a, &b, &c, &d);
	memcpy(out + 0, &b, 4);
	if (leaf == 0) {	/* vendor string order is ebx, edx, ecx */
		memcpy(out + 4, &d, 4);
		memcpy(out + 8, &c, 4);
	} else {		/* hypervisor signature is ebx, ecx, edx */
		memcpy(out + 4, &c, 4);
		memcpy(out + 8, &d, 4);
	}
	out[12] = '\0';
}

void cpu_detect_features(void)
{
	struct cpu_features *f = &cpu_features;
	uint32_t max, maxext, a, b, c, d;

	cpuid(0, 0, &max, &b, &c, &d);
	read_signature(0, f->vendor);
	cpuid(1, 0, &a, &b, &c, &d);
	f->hypervisor = c & (1u << 31);
	f->x2apic = c & (1u << 21);
	f->tsc_deadline = c & (1u << 24);
	f->xsave = c & (1u << 26);
	f->rdrand = c & (1u << 30);
	if (max >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		f->smep = b & (1u << 7);
		f->rdseed = b & (1u << 18);
		f->smap = b & (1u << 20);
		f->umip = c & (1u << 2);
	}
	cpuid(0x80000000, 0, &maxext, &b, &c, &d);
	if (maxext >= 0x80000001) {
		cpuid(0x80000001, 0, &a, &b, &c, &d);
		f->nx = d & (1u << 20);
		f->pdpe1gb = d & (1u << 26);
	}
	f->phys_addr_bits = 36;	/* the architectural default */
	if (maxext >= 0x80000008) {
		cpuid(0x80000008, 0, &a, &b, &c, &d);
		if ((a & 0xff) >= 32 && (a & 0xff) <= 52)
			f->phys_addr_bits = a & 0xff;
	}
	if (maxext >= 0x80000007) {
		cpuid(0x80000007, 0, &a, &b, &c, &d);
		f->invariant_tsc = d & (1u << 8);
	}
	if (f->hypervisor)
		read_signature(0x40000000, f->hypervisor_sig);
}

/* One past the highest physical address this CPU can use. */
uint64_t arch_max_phys_addr(void)
{
	return 1ull << cpu_features.phys_addr_bits;
}
