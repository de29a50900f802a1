#!/usr/bin/perl
# Runs Apache SpamAssassin's Received-header parser over every message of an mbox.
#
# usage: sa_received.pl MBOX
# prints one line: "messages=N relays=N unparseable=N seconds=S"
#   relays      = relays SpamAssassin parsed (trusted + untrusted; internal/external is a
#                 second classification of the same relays, so it is not added again)
#   unparseable = Received headers its parser gave up on (parse_received_line -> undef);
#                 comment-only lines it skips on purpose (qmail "invoked by") count in neither
#   seconds     = time spent in the per-message loop (excludes SpamAssassin start-up)
#
# Per message it does what SpamAssassin itself does before running any rule:
#   $msg = $sa->parse($text)                                   # MIME parse
#   $pms = Mail::SpamAssassin::PerMsgStatus->new($sa, $msg)
#   $msg->extract_message_metadata($pms)                       # -> Metadata::extract
#                                                              #  -> Metadata::Received::parse_received_headers
# No rule is compiled or run (empty rules directories, so no plugin is loaded either), no
# network test runs (local_tests_only), and nothing under $HOME is read or written (a
# temporary home, user_prefs and state directory).
use strict;
use warnings;
use File::Temp qw(tempdir);
use Time::HiRes qw(time);
use Mail::SpamAssassin;
use Mail::SpamAssassin::PerMsgStatus;

my $mbox = shift @ARGV or die "usage: $0 MBOX\n";
my $tmp = tempdir("hoptrace-bench-sa.XXXXXX", TMPDIR => 1, CLEANUP => 1);
mkdir "$tmp/rules"; mkdir "$tmp/siterules"; mkdir "$tmp/state";
open(my $up, '>', "$tmp/user_prefs") or die "$tmp/user_prefs: $!\n"; close $up;
$ENV{HOME} = $tmp;

# Only the TLD list from the stock rules is copied in: the Received parser's host-name checks
# use it, and without it SpamAssassin warns "no tlds defined".
{
  my $probe = Mail::SpamAssassin->new({ dont_copy_prefs => 1, ignore_site_cf_files => 1, userprefs_filename => "$tmp/user_prefs",
                                        userstate_dir => "$tmp/state", home_dir_for_helpers => $tmp });
  my $dir = $probe->first_existing_path(@Mail::SpamAssassin::default_rules_path);
  if (defined $dir && -f "$dir/20_aux_tlds.cf") {
    open(my $in, '<', "$dir/20_aux_tlds.cf") or die "$dir/20_aux_tlds.cf: $!\n";
    open(my $out, '>', "$tmp/rules/20_aux_tlds.cf") or die "$tmp/rules: $!\n";
    print $out $_ while <$in>;
    close $in; close $out;
  }
}

my $sa = Mail::SpamAssassin->new({
  local_tests_only     => 1,
  dont_copy_prefs      => 1,
  userprefs_filename   => "$tmp/user_prefs",
  userstate_dir        => "$tmp/state",
  home_dir_for_helpers => $tmp,
  rules_filename       => "$tmp/rules",
  site_rules_filename  => "$tmp/siterules",
  post_config_text     => "use_bayes 0\nuse_auto_whitelist 0\nskip_rbl_checks 1\n",
});
$sa->init(0);

my ($messages, $relays, $unparseable, $secs) = (0, 0, 0, 0);

sub one {
  my ($text) = @_;
  my $t0 = time;
  my $msg = $sa->parse($text, 1);
  my $pms = Mail::SpamAssassin::PerMsgStatus->new($sa, $msg);
  $msg->extract_message_metadata($pms);
  my $md = $msg->{metadata};
  $relays      += scalar(@{$md->{relays_trusted}}) + scalar(@{$md->{relays_untrusted}});
  $unparseable += $md->{num_relays_unparseable} || 0;
  $pms->finish();
  $msg->finish();
  $secs += time - $t0;
  $messages++;
}

open(my $fh, '<', $mbox) or die "$mbox: $!\n";
my $cur;
while (my $line = <$fh>) {
  if ($line =~ /^From /) {
    one($cur) if defined $cur;
    $cur = '';
    next;                      # the separator is not part of the message
  }
  $line =~ s/^>(>*From )/$1/;  # mboxrd unescape
  $cur .= $line if defined $cur;
}
one($cur) if defined $cur && $cur ne '';
close $fh;

printf "messages=%d relays=%d unparseable=%d seconds=%.3f\n", $messages, $relays, $unparseable, $secs;
