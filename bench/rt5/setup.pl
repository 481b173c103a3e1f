#!/usr/bin/perl
# The benchmark's objects in Request Tracker 5, through RT's own API (bench/rt5/setup.sh runs it):
# a queue "Bench", a privileged user "bench" with the rights a desk agent has on that queue, a
# password, and one REST2 auth token. Idempotent: what exists is kept (the password is reset to
# the one given, the token is made only when the user has none). Prints KEY=VALUE lines.
#
#   perl -I/usr/share/request-tracker5/lib bench/rt5/setup.pl PASSWORD
use strict;
use warnings;

use RT;
RT::LoadConfig();
RT::Init();

my $password = shift @ARGV or die "usage: setup.pl PASSWORD\n";
my $system = RT->SystemUser;

my $queue = RT::Queue->new($system);
$queue->Load('Bench');
unless ($queue->Id) {
    my ($ok, $msg) = $queue->Create(Name => 'Bench', Description => 'TrustDesk create benchmark');
    die "queue: $msg\n" unless $ok;
}

my $user = RT::User->new($system);
$user->Load('bench');
unless ($user->Id) {
    my ($ok, $msg) = $user->Create(
        Name         => 'bench',
        EmailAddress => 'bench@bench.invalid',
        RealName     => 'Bench Agent',
        Privileged   => 1,
    );
    die "user: $msg\n" unless $ok;
}
my ($set, $why) = $user->SetPassword($password);
die "password: $why\n" unless $set;

# A desk agent's rights on the queue (not SuperUser, which would skip RT's ACL checks), and the
# global right to own auth tokens.
for my $right (qw(SeeQueue CreateTicket ShowTicket ModifyTicket ReplyToTicket CommentOnTicket OwnTicket)) {
    next if $user->PrincipalObj->HasRight(Right => $right, Object => $queue);
    my ($ok, $msg) = $user->PrincipalObj->GrantRight(Right => $right, Object => $queue);
    die "right $right: $msg\n" unless $ok;
}
unless ($user->PrincipalObj->HasRight(Right => 'ManageAuthTokens', Object => RT->System)) {
    my ($ok, $msg) = $user->PrincipalObj->GrantRight(Right => 'ManageAuthTokens', Object => RT->System);
    die "right ManageAuthTokens: $msg\n" unless $ok;
}

# The token's clear text is shown once, at creation: setup.sh keeps it in its state file. A new
# one is made only when the state file lost it (the caller passes MAKE_TOKEN=1).
if ($ENV{MAKE_TOKEN}) {
    my $current = RT::CurrentUser->new($system);
    $current->Load($user->Id);
    my $token = RT::AuthToken->new($current);
    my ($ok, $msg, $authstring) = $token->Create(Owner => $user->Id, Description => 'bench');
    die "token: $msg\n" unless $ok;
    print "RT_TOKEN=$authstring\n";
}
print "RT_QUEUE_ID=", $queue->Id, "\n";
print "RT_USER_ID=", $user->Id, "\n";
