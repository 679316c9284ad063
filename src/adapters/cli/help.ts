// The --help texts: every flag, every environment variable, every exit code.

const ENVIRONMENT = `Environment:
  WEBHOOK_SECRET   the webhook secret; with a comma-separated list the first is used;
                   whsec_<base64> signs with the decoded bytes; a whsk_<base64> Ed25519
                   secret key signs Standard Webhooks v1a (needs --scheme standard),
                   for a service holding its whpk_ key. Never printed.
  LYFTR_URL        the service's base URL when --url is not given`;

const EXIT_CODES = `Exit codes:
  0  the service answered 200 (sign: the signature was printed)
  1  the service answered another status, or could not be reached
  2  usage error: unknown flag, missing secret, missing or empty file, invalid JSON…`;

const SIGNING_FLAGS = `  --scheme <hex|standard>  hex (default): X-Signature, hex HMAC-SHA256 of the body;
                           standard: Standard Webhooks headers webhook-id, webhook-timestamp,
                           webhook-signature (HMAC-SHA256 of <id>.<timestamp>.<body>,
                           v1; Ed25519 over the same, v1a, when the secret is a whsk_ key)
  --id <id>                with --scheme standard: the webhook-id (default: a random msg_… id)
  --timestamp <seconds>    with --scheme standard: the webhook-timestamp in Unix seconds (default: now)
  --secret-env <VAR>       read the secret from VAR instead of WEBHOOK_SECRET
  -h, --help               show this help`;

export const MAIN_HELP = `lyftr: signed test webhooks for the Lyftr webhook service

Usage:
  lyftr send [flags]   build or read a message, sign it, POST it to /webhook, print the answer
  lyftr sign [flags]   print the signature of a body, without sending anything
  lyftr export [flags] download the stored messages as NDJSON or CSV, to stdout or a file
  lyftr --help         this help; \`lyftr <command> --help\` for a command's flags

${ENVIRONMENT}

${EXIT_CODES}`;

export const SEND_HELP = `Usage: lyftr send [--message-id <id>] --from <e164> --to <e164> [--ts <iso>] [--text <text>] [flags]
       lyftr send --file <path|-> [flags]

Builds a message from flags and sends it through the typed client, or sends the bytes of a JSON
file (or of stdin, with --file -) exactly as they are. Prints "HTTP <status> <answer>", after
"message_id <id>" for a built message; without an answer within --timeout it gives up (exit code 1).

Message:
  --message-id <id>        message_id (default: a random cli-… id, printed)
  --from <e164>            sender, e.g. +919876543210 (required without --file)
  --to <e164>              recipient, e.g. +14155550100 (required without --file)
  --ts <iso>               ISO-8601 UTC ending in Z (default: now)
  --text <text>            message text (optional); a text starting with "-" is written --text=-…
  --file <path|->          send this file's bytes (or stdin's) instead of a built message;
                           it must be JSON; cannot be combined with the message flags

Where:
  --url <url>              the service's base URL (default: LYFTR_URL, else http://localhost:8000)
  --timeout <seconds>      give up without an answer after this long (default 10, at most 300)

Signing:
${SIGNING_FLAGS}

${ENVIRONMENT}

${EXIT_CODES}`;

export const SIGN_HELP = `Usage: lyftr sign [--file <path|->] [flags]

Prints the signature of the body's exact bytes, read from --file or from stdin: the hex
X-Signature value, or with --scheme standard the three header lines. Nothing is sent, and the
body need not be JSON (but an empty one is refused): use it to check the signature your own
sender computes.

Input:
  --file <path|->          the body (default: stdin, which must then be piped)

Signing:
${SIGNING_FLAGS}

Environment:
  WEBHOOK_SECRET   the webhook secret; with a comma-separated list the first is used;
                   whsec_<base64> signs with the decoded bytes; a whsk_<base64> Ed25519
                   secret key signs Standard Webhooks v1a (needs --scheme standard),
                   for a service holding its whpk_ key. Never printed.

Exit codes:
  0  the signature was printed
  2  usage error: unknown flag, missing secret, missing or empty file…`;

export const EXPORT_HELP = `Usage: lyftr export [--format ndjson|csv] [filters] [--out <file>] [flags]

Downloads every stored message matching the filters from GET /messages/export and writes it, as
it arrives, to stdout or to --out. The service checks the values: a bad one is its 422, printed.

Format and filters (as on GET /messages):
  --format <ndjson|csv>    ndjson (default): one message as JSON per line; csv: RFC 4180 with a header
  --from <e164>            only messages from this sender
  --to <e164>              only messages to this recipient
  --since <iso>            only messages at or after this instant (Z or an offset)
  --until <iso>            only messages before this instant (exclusive)
  --q <text>               only messages whose text contains this, ignoring case
  --order <asc|desc>       asc (default): oldest first; desc: newest first

Output and where:
  -o, --out <file>         write here instead of stdout; written to <file>.partial, renamed when complete
  --url <url>              the service's base URL (default: LYFTR_URL, else http://localhost:8000)
  --timeout <seconds>      give up if the answer has not started after this long (default 10, at most 300)
  -h, --help               show this help

Environment:
  LYFTR_READ_TOKEN  the read token, when the service sets READ_API_TOKEN. Never printed.
  LYFTR_URL         the service's base URL when --url is not given

Exit codes:
  0  the whole export was written
  1  the service answered another status, could not be reached, or the export was cut short
  2  usage error: unknown flag, bad --timeout or --url`;
