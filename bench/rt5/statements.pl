#!/usr/bin/perl
# How many SQL statements one ticket create costs inside Request Tracker 5: RT::Ticket->Create
# as the REST2 handler calls it (queue, subject, requestor, a text/plain body), as the bench user,
# with every scrip RT runs on create. REST2's own reads (the session, the queue, the answer's
# links) come on top. The first create warms RT's caches and is not counted.
#
#   perl -I/usr/share/request-tracker5/lib bench/rt5/statements.pl     # as root, after setup.sh
use strict;
use warnings;

use RT;
RT::LoadConfig();
RT::Init();
use MIME::Entity;

my $user = RT::CurrentUser->new;
$user->Load('bench');
die "no bench user: run bench/rt5/setup.sh first\n" unless $user->Id;

sub create {
    my $n = shift;
    my $ticket = RT::Ticket->new($user);
    my ($id, undef, $msg) = $ticket->Create(
        Queue     => 'Bench',
        Subject   => "Statement count $n",
        Requestor => ['bench@bench.invalid'],
        MIMEObj   => MIME::Entity->build(
            Type    => 'text/plain',
            Charset => 'UTF-8',
            Data    => ['Opened by bench/rt5: a customer cannot send SMS to one carrier since this morning.'],
        ),
    );
    die "create: $msg\n" unless $id;
    return $id;
}

create(1);
$RT::Handle->LogSQLStatements(1);
$RT::Handle->ClearSQLStatementLog;
my $id = create(2);
my @log = $RT::Handle->SQLStatementLog;
$RT::Handle->LogSQLStatements(0);

my (%kinds, $seconds);
for my $entry (@log) {
    my ($kind) = $entry->[1] =~ /^\s*(\w+)/;
    $kinds{uc($kind // '?')}++;
    $seconds += $entry->[3];
}
printf "ticket %d: %d statements (%s), %.1f ms inside the database driver\n", $id, scalar(@log),
    join(', ', map {"$kinds{$_} $_"} sort { $kinds{$b} <=> $kinds{$a} } keys %kinds), 1000 * $seconds;
if ($ENV{SHOW_STATEMENTS}) {
    print "$_->[1]\n" for @log;
}
