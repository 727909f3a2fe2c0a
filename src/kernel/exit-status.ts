/** Exit statuses of the kernel process that its clients act on. */

/** A socket could not be bound (its port was taken after the client chose it): start again on other ports. */
export const BIND_FAILURE_EXIT = 3;
