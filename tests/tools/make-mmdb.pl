#!/usr/bin/perl
# Writes a small MaxMind-format database for tests (Debian's
# libmaxmind-db-writer-perl): make-mmdb.pl OUT.mmdb KIND < lines
# KIND asn: lines "CIDR ASN ORGANISATION..." (GeoLite2-ASN layout)
# KIND country: lines "CIDR CC" (GeoLite2-Country layout)
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($out, $kind) = @ARGV;
die "usage: make-mmdb.pl OUT asn|country\n" unless $out && $kind;
my %types = $kind eq 'asn'
    ? (autonomous_system_number => 'uint32',
       autonomous_system_organization => 'utf8_string')
    : (country => 'map', iso_code => 'utf8_string');
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version => 6,
    record_size => 28,
    database_type => $kind eq 'asn' ? 'GeoLite2-ASN' : 'GeoLite2-Country',
    languages => ['en'],
    description => { en => 'exhunt test data' },
    map_key_type_callback => sub { $types{ $_[0] } },
    alias_ipv6_to_ipv4 => 1,
    # the tests use loopback and documentation ranges
    remove_reserved_networks => 0,
);
while (my $line = <STDIN>) {
    chomp $line;
    next if $line =~ /^\s*(#|$)/;
    my ($cidr, $a, @rest) = split ' ', $line;
    my $data = $kind eq 'asn'
        ? { autonomous_system_number => $a + 0,
            autonomous_system_organization => join(' ', @rest) }
        : { country => { iso_code => $a } };
    $tree->insert_network($cidr, $data);
}
open my $fh, '>:raw', $out or die "$out: $!";
$tree->write_tree($fh);
close $fh;
