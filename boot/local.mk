# boot
