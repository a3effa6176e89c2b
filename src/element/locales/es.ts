import type { Messages } from '../messages.js';

/** Español. */
export const es: Messages = {
  loading: 'Preparando tu solicitud de pago…',
  awaiting: 'Esperando tu pago.',
  underpaid: 'Recibidos {received} de {total} BTC. Envía el resto, por favor.',
  unconfirmed: 'Pago recibido. Esperando la primera confirmación.',
  confirming: {
    one: 'Confirmando el pago: {confirmations} de {count} confirmación.',
    other: 'Confirmando el pago: {confirmations} de {count} confirmaciones.',
  },
  paid: 'Pagado. ¡Gracias!',
  received: 'Pago recibido',
  expired: 'Esta solicitud de pago ha caducado.',
  expiredEmpty: 'No pagues más a esta dirección; inicia un pago nuevo.',
  expiredPartial: 'Llegaron {received} BTC antes de que caducara. Ponte en contacto con el comercio para saldar el resto.',
  late: 'Tu pago llegó después de que caducara la solicitud. Está a salvo en la cartera del comercio: ponte en contacto con él para completar el pedido.',
  orderReference: 'Pedido {order}',
  error: 'Esta página de pago no puede aceptar pagos en este momento.',
  errorHeading: 'Esta página de pago no funciona',
  payWithinMinutes: { one: 'Paga en menos de {count} minuto', other: 'Paga en menos de {count} minutos' },
  timeLeft: 'Quedan {time} para pagar',
  notice: '{problem} Reintentando…',
  copied: 'Copiado',
  copyAddress: 'Copiar dirección',
  copyAmount: 'Copiar importe',
  openWallet: 'Abrir en la cartera',
  addressHeading: 'Dirección',
  qrLabel: 'Código QR: paga {amount} BTC a {address}',
  qrLabelOpen: 'Código QR: paga a {address}',
  sats: { one: '{count} sat', other: '{count} sats' },
  tag: {
    one: 'Incluye {count} sat que identifica este pago como tuyo. Paga el importe exacto, por favor.',
    other: 'Incluye {count} sats que identifican este pago como tuyo. Paga el importe exacto, por favor.',
  },
  unmatched:
    'Ha llegado a esta dirección un pago de {amount} BTC, pero no es el importe exacto de esta solicitud, así que no cuenta para ella. Si lo enviaste tú, contacta con la tienda indicando su ID de transacción; si no, es de otro cliente y puedes ignorarlo.',
  unmatchedOpen:
    'Ha llegado a esta dirección un pago de {amount} BTC. Esta dirección también se muestra a otros visitantes, así que esta página no puede saber si fue tuyo. Si lo enviaste tú, puedes avisar a la tienda.',
  copyTxid: 'Copiar ID de transacción',
  claim: 'Este pago es mío',
  claimed: 'Hemos avisado a la tienda de que este pago es tuyo. Lo revisará y resolverá tu pedido manualmente.',
};
