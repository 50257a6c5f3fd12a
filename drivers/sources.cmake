# drivers/: ACPI, the screen console, the RTC, the memory devices.
set(dir ${CMAKE_CURRENT_LIST_DIR})
list(APPEND KERNEL_SOURCES
	${dir}/acpi/acpi.c
	${dir}/console/fbcon_console.c
	${dir}/rtc/rtc.c
	${dir}/char/random.c)
list(APPEND KHOST_SOURCES
	${dir}/char/mem.c)
list(APPEND KCORE_SOURCES
	${dir}/acpi/acpi_tables.c
	${dir}/acpi/aml_s5.c
	${dir}/console/fbcon.c
	${dir}/console/font8x16.c
	${dir}/char/kmsg_format.c)
