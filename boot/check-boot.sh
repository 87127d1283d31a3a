#!/bin/sh
# check-boot.sh: each boot variant starts qmail-start from the home's bin with
# an empty environment, its default delivery as qmail's variant of the same
# name has it, and "splogger qmail" as the logger.  A stub qmail-start records
# what it was given.  Prints TAP.
src=${top_srcdir:-.}/boot
tmp=`mktemp -d "${TMPDIR:-/tmp}/check-boot.XXXXXX"` || exit 1
trap 'rm -rf "$tmp"' 0
mkdir "$tmp/bin"
cat > "$tmp/bin/qmail-start" <<'STUB'
#!/bin/sh
out=`dirname "$0"`/../out
for a in "$@"; do printf '[%s]' "$a"; done > "$out"
echo >> "$out"
if [ -n "$CHECK_BOOT_SENTINEL" ]; then echo "environment leaked" >> "$out"; fi
printf '%s\n' "$PATH" >> "$out"
STUB
chmod 755 "$tmp/bin/qmail-start"

nl='
'
bin1='|preline -f /usr/libexec/mail.local -r "${SENDER:-MAILER-DAEMON}" -d "$USER"'
bin2='|preline -f /bin/mail -r "${SENDER:-MAILER-DAEMON}" -d "$USER"'
bin3='|preline -f /bin/mail -f "${SENDER:-MAILER-DAEMON}" -d "$USER"'
df="|dot-forward .forward$nl"

n=0
failed=0
check() {  # variant delivery
  n=$((n + 1))
  rm -f "$tmp/out"
  sed -e "s|@QMAIL_HOME[@]|$tmp|g" "$src/$1.in" > "$tmp/rc"
  CHECK_BOOT_SENTINEL=1 PATH=/usr/bin:/bin sh "$tmp/rc" 2>/dev/null
  want="[$2][splogger][qmail]$nl$tmp/bin:/usr/bin:/bin"
  got=`cat "$tmp/out" 2>/dev/null`
  if [ "$got" = "$want" ]; then
    echo "ok $n - boot/$1"
  else
    echo "not ok $n - boot/$1"
    echo "$got" | sed 's/^/# got: /'
    failed=1
  fi
}

echo "1..12"
check home './Mailbox'
check home+df "$df./Mailbox"
check maildir './Maildir/'
check maildir+df "$df./Maildir/"
check proc '|preline procmail'
check proc+df "$df|preline procmail"
check binm1 "$bin1"
check binm1+df "$df$bin1"
check binm2 "$bin2"
check binm2+df "$df$bin2"
check binm3 "$bin3"
check binm3+df "$df$bin3"
exit 0
