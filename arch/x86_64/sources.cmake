# arch/x86_64: everything that knows it runs on an x86_64 PC.
set(dir ${CMAKE_CURRENT_LIST_DIR})
list(APPEND KERNEL_SOURCES
	${dir}/boot.asm
	${dir}/traps.asm
	${dir}/trampoline.asm
	${dir}/setup.c
	${dir}/cpuinfo.c
	${dir}/percpu.c
	${dir}/gdt.c
	${dir}/traps.c
	${dir}/ksyms.c
	${dir}/serial.c
	${dir}/paging.c
	${dir}/apic.c
	${dir}/time.c
	${dir}/smp.c
	${dir}/crosscall.c
	${dir}/platform.c
	${dir}/power.c
	${dir}/random.c
	${dir}/uaccess.c)
# Boot-protocol parsers: pure, so host-tested too.
list(APPEND KCORE_SOURCES
	${dir}/boot_mb2.c
	${dir}/boot_pvh.c)
