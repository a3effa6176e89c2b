import type { Messages } from '../messages.js';

/** Português. */
export const pt: Messages = {
  loading: 'A preparar o seu pedido de pagamento…',
  awaiting: 'A aguardar o seu pagamento.',
  underpaid: 'Recebidos {received} de {total} BTC. Envie o restante, por favor.',
  unconfirmed: 'Pagamento recebido. A aguardar a primeira confirmação.',
  confirming: {
    one: 'Pagamento em confirmação: {confirmations} de {count} confirmação.',
    other: 'Pagamento em confirmação: {confirmations} de {count} confirmações.',
  },
  paid: 'Pago. Obrigado!',
  received: 'Pagamento recebido',
  expired: 'Este pedido de pagamento expirou.',
  expiredEmpty: 'Não pague mais para este endereço; inicie um novo pagamento.',
  expiredPartial: 'Chegaram {received} BTC antes de expirar. Contacte o comerciante para acertar o restante.',
  late: 'O seu pagamento chegou depois de o pedido expirar. Está seguro na carteira do comerciante: contacte-o para concluir a encomenda.',
  orderReference: 'Encomenda {order}',
  error: 'Esta página de pagamento não pode aceitar pagamentos neste momento.',
  errorHeading: 'Esta página de pagamento não está a funcionar',
  payWithinMinutes: { one: 'Pague dentro de {count} minuto', other: 'Pague dentro de {count} minutos' },
  timeLeft: 'Faltam {time} para pagar',
  notice: '{problem} A tentar novamente…',
  copied: 'Copiado',
  copyAddress: 'Copiar endereço',
  copyAmount: 'Copiar valor',
  openWallet: 'Abrir na carteira',
  addressHeading: 'Endereço',
  qrLabel: 'Código QR: pagar {amount} BTC para {address}',
  qrLabelOpen: 'Código QR: pagar para {address}',
  sats: { one: '{count} sat', other: '{count} sats' },
  tag: {
    one: 'Inclui {count} sat que identifica este pagamento como seu. Pague o valor exato, por favor.',
    other: 'Inclui {count} sats que identificam este pagamento como seu. Pague o valor exato, por favor.',
  },
  unmatched:
    'Chegou a este endereço um pagamento de {amount} BTC, mas não é o valor exato deste pedido, por isso não conta para ele. Se foi você que o enviou, contacte a loja com o ID da transação; caso contrário, é de outro cliente e pode ignorá-lo.',
  unmatchedOpen:
    'Chegou a este endereço um pagamento de {amount} BTC. Este endereço também é mostrado a outros visitantes, por isso esta página não consegue saber se foi seu. Se foi você que o enviou, pode avisar a loja.',
  copyTxid: 'Copiar ID da transação',
  claim: 'Este pagamento é meu',
  claimed: 'A loja foi avisada de que este pagamento é seu. Vai verificá-lo e concluir a sua encomenda manualmente.',
};
