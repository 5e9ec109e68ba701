//! Ethernet, ARP, IPv4, ICMP, UDP and TCP frames built by hand, for tests
//! that feed a stack directly.
