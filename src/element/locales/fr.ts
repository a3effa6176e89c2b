import type { Messages } from '../messages.js';

/** Français. */
export const fr: Messages = {
  loading: 'Préparation de votre demande de paiement…',
  awaiting: 'En attente de votre paiement.',
  underpaid: '{received} BTC reçus sur {total}. Merci d’envoyer le reste.',
  unconfirmed: 'Paiement reçu. En attente de la première confirmation.',
  confirming: {
    one: 'Confirmation du paiement : {confirmations} sur {count} confirmation.',
    other: 'Confirmation du paiement : {confirmations} sur {count} confirmations.',
  },
  paid: 'Payé. Merci !',
  received: 'Paiement reçu',
  expired: 'Cette demande de paiement a expiré.',
  expiredEmpty: 'Merci de ne plus payer à cette adresse ; commencez plutôt un nouveau paiement.',
  expiredPartial: '{received} BTC sont arrivés avant l’expiration. Contactez le marchand pour régler le reste.',
  late: 'Votre paiement est arrivé après l’expiration de la demande. Il est en sécurité dans le portefeuille du marchand : contactez-le pour finaliser la commande.',
  orderReference: 'Commande {order}',
  error: 'Ce module de paiement ne peut pas accepter de paiements pour le moment.',
  errorHeading: 'Ce module de paiement ne fonctionne pas',
  payWithinMinutes: { one: 'Payez dans la minute', other: 'Payez dans les {count} minutes' },
  timeLeft: 'Encore {time} pour payer',
  notice: '{problem} Nouvelle tentative…',
  copied: 'Copié',
  copyAddress: 'Copier l’adresse',
  copyAmount: 'Copier le montant',
  openWallet: 'Ouvrir dans le portefeuille',
  addressHeading: 'Adresse',
  qrLabel: 'QR code : payer {amount} BTC à {address}',
  qrLabelOpen: 'QR code : payer à {address}',
  sats: { one: '{count} sat', other: '{count} sats' },
  tag: {
    one: 'Inclut {count} sat qui identifie ce paiement comme le vôtre. Merci de payer le montant exact.',
    other: 'Inclut {count} sats qui identifient ce paiement comme le vôtre. Merci de payer le montant exact.',
  },
  unmatched:
    'Un paiement de {amount} BTC est arrivé à cette adresse, mais ce n’est pas le montant exact de cette demande, il ne compte donc pas pour elle. Si vous l’avez envoyé, contactez la boutique avec son identifiant de transaction ; sinon, il provient d’un autre client et vous pouvez l’ignorer.',
  unmatchedOpen:
    'Un paiement de {amount} BTC est arrivé à cette adresse. Cette adresse est aussi montrée à d’autres visiteurs, cette page ne peut donc pas savoir s’il vient de vous. Si vous l’avez envoyé, vous pouvez le signaler à la boutique.',
  copyTxid: 'Copier l’identifiant de transaction',
  claim: 'C’était mon paiement',
  claimed: 'La boutique a été prévenue que ce paiement est le vôtre. Elle va le vérifier et régler votre commande manuellement.',
};
