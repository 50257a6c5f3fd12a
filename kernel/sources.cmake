# kernel/: generic core.  kernel/lib/ holds pure, host-tested code.
set(dir ${CMAKE_CURRENT_LIST_DIR})
list(APPEND KERNEL_SOURCES
	${dir}/main.c
	${dir}/printk.c
	${dir}/panic.c
	${dir}/spinlock.c
	${dir}/monitor.c
	${dir}/monitor_files.c
	${dir}/selftest.c
	${dir}/mutex.c
	${dir}/time.c
	${dir}/lib/string.c)
list(APPEND KCORE_SOURCES
	${dir}/lib/format.c
	${dir}/lib/cmdline.c
	${dir}/lib/calendar.c
	${dir}/lib/ksyms.c
	${dir}/lib/chacha20.c
	${dir}/lib/csprng.c
	${dir}/cred.c)
list(APPEND KHOST_SOURCES
	${dir}/iov_iter.c)
