import type { Messages } from '../messages.js';

/** Deutsch. */
export const de: Messages = {
  loading: 'Ihre Zahlungsanforderung wird vorbereitet …',
  awaiting: 'Wir warten auf Ihre Zahlung.',
  underpaid: '{received} von {total} BTC erhalten. Bitte senden Sie den Rest.',
  unconfirmed: 'Zahlung erhalten. Wir warten auf die erste Bestätigung.',
  confirming: {
    one: 'Zahlung wird bestätigt: {confirmations} von {count} Bestätigung.',
    other: 'Zahlung wird bestätigt: {confirmations} von {count} Bestätigungen.',
  },
  paid: 'Bezahlt. Vielen Dank!',
  received: 'Zahlung erhalten',
  expired: 'Diese Zahlungsanforderung ist abgelaufen.',
  expiredEmpty: 'Bitte zahlen Sie nicht mehr an diese Adresse, sondern starten Sie eine neue Zahlung.',
  expiredPartial: '{received} BTC sind vor Ablauf eingegangen. Bitte wenden Sie sich wegen des Restbetrags an den Händler.',
  late: 'Ihre Zahlung ist nach Ablauf der Anforderung eingegangen. Sie ist sicher in der Wallet des Händlers: Bitte wenden Sie sich an ihn, um die Bestellung abzuschließen.',
  orderReference: 'Bestellung {order}',
  error: 'Über diese Seite sind gerade keine Zahlungen möglich.',
  errorHeading: 'Die Bezahlung funktioniert gerade nicht',
  payWithinMinutes: { one: 'Bitte innerhalb von {count} Minute zahlen', other: 'Bitte innerhalb von {count} Minuten zahlen' },
  timeLeft: 'Noch {time} zum Bezahlen',
  notice: '{problem} Neuer Versuch läuft …',
  copied: 'Kopiert',
  copyAddress: 'Adresse kopieren',
  copyAmount: 'Betrag kopieren',
  openWallet: 'In Wallet öffnen',
  addressHeading: 'Adresse',
  qrLabel: 'QR-Code: {amount} BTC an {address} zahlen',
  qrLabelOpen: 'QR-Code: an {address} zahlen',
  sats: { one: '{count} Sat', other: '{count} Sats' },
  tag: {
    one: 'Enthält {count} Sat, der diese Zahlung als Ihre kennzeichnet. Bitte zahlen Sie genau diesen Betrag.',
    other: 'Enthält {count} Sats, die diese Zahlung als Ihre kennzeichnen. Bitte zahlen Sie genau diesen Betrag.',
  },
  unmatched:
    'Eine Zahlung von {amount} BTC ist an dieser Adresse eingegangen, entspricht aber nicht genau dem Betrag dieser Anforderung und zählt deshalb nicht dafür. Wenn Sie sie gesendet haben, wenden Sie sich mit ihrer Transaktions-ID an den Shop; andernfalls stammt sie von einer anderen Person und Sie können sie ignorieren.',
  unmatchedOpen:
    'Eine Zahlung von {amount} BTC ist an dieser Adresse eingegangen. Diese Adresse wird auch anderen Besuchern angezeigt, daher kann diese Seite nicht erkennen, ob sie von Ihnen stammt. Wenn Sie sie gesendet haben, können Sie es dem Shop mitteilen.',
  copyTxid: 'Transaktions-ID kopieren',
  claim: 'Das war meine Zahlung',
  claimed: 'Der Shop weiß jetzt, dass diese Zahlung von Ihnen stammt. Er prüft sie und schließt Ihre Bestellung von Hand ab.',
};
