import type { Messages } from '../messages.js';

/** Italiano. */
export const it: Messages = {
  loading: 'Preparazione della richiesta di pagamento…',
  awaiting: 'In attesa del tuo pagamento.',
  underpaid: 'Ricevuti {received} BTC su {total}. Invia il resto, per favore.',
  unconfirmed: 'Pagamento ricevuto. In attesa della prima conferma.',
  confirming: {
    one: 'Pagamento in conferma: {confirmations} su {count} conferma.',
    other: 'Pagamento in conferma: {confirmations} su {count} conferme.',
  },
  paid: 'Pagato. Grazie!',
  received: 'Pagamento ricevuto',
  expired: 'Questa richiesta di pagamento è scaduta.',
  expiredEmpty: 'Non pagare più a questo indirizzo; avvia invece un nuovo pagamento.',
  expiredPartial: 'Sono arrivati {received} BTC prima della scadenza. Contatta il venditore per saldare il resto.',
  late: 'Il tuo pagamento è arrivato dopo la scadenza della richiesta. È al sicuro nel wallet del venditore: contattalo per completare l’ordine.',
  orderReference: 'Ordine {order}',
  error: 'Questa pagina di pagamento non può accettare pagamenti al momento.',
  errorHeading: 'Questa pagina di pagamento non funziona',
  payWithinMinutes: { one: 'Paga entro {count} minuto', other: 'Paga entro {count} minuti' },
  timeLeft: 'Mancano {time} per pagare',
  notice: '{problem} Nuovo tentativo in corso…',
  copied: 'Copiato',
  copyAddress: 'Copia indirizzo',
  copyAmount: 'Copia importo',
  openWallet: 'Apri nel wallet',
  addressHeading: 'Indirizzo',
  qrLabel: 'Codice QR: paga {amount} BTC a {address}',
  qrLabelOpen: 'Codice QR: paga a {address}',
  sats: { one: '{count} sat', other: '{count} sat' },
  tag: {
    one: 'Include {count} sat che identifica questo pagamento come tuo. Paga l’importo esatto, per favore.',
    other: 'Include {count} sat che identificano questo pagamento come tuo. Paga l’importo esatto, per favore.',
  },
  unmatched:
    'A questo indirizzo è arrivato un pagamento di {amount} BTC, ma non è l’importo esatto di questa richiesta, quindi non conta per essa. Se l’hai inviato tu, contatta il negozio indicando l’ID della transazione; altrimenti è di un altro cliente e puoi ignorarlo.',
  unmatchedOpen:
    'A questo indirizzo è arrivato un pagamento di {amount} BTC. Questo indirizzo viene mostrato anche ad altri visitatori, quindi questa pagina non può sapere se è tuo. Se l’hai inviato tu, puoi segnalarlo al negozio.',
  copyTxid: 'Copia ID transazione',
  claim: 'Questo pagamento è mio',
  claimed: 'Il negozio è stato avvisato che questo pagamento è tuo. Lo verificherà e completerà il tuo ordine manualmente.',
};
