import type { Messages } from '../messages.js';

/** 日本語. Japanese has one plural form (`other`). */
export const ja: Messages = {
  loading: 'お支払いリクエストを準備しています…',
  awaiting: 'お支払いをお待ちしています。',
  underpaid: '{total} BTC のうち {received} BTC を受け取りました。残りをお送りください。',
  unconfirmed: 'お支払いを受け取りました。最初の承認を待っています。',
  confirming: { other: 'お支払いを承認中です：{count} 回中 {confirmations} 回。' },
  paid: 'お支払いが完了しました。ありがとうございました。',
  received: 'お支払いを受け取りました',
  expired: 'このお支払いリクエストは期限切れです。',
  expiredEmpty: 'このアドレスにはもう送金しないでください。新しいお支払いを始めてください。',
  expiredPartial: '期限までに {received} BTC が届きました。残りの精算については販売者にお問い合わせください。',
  late: 'お支払いはリクエストの期限後に届きました。資金は販売者のウォレットに安全に届いています。注文の手続きについて販売者にお問い合わせください。',
  orderReference: '注文番号 {order}',
  error: '現在、このページではお支払いを受け付けられません。',
  errorHeading: 'お支払いページが動作していません',
  payWithinMinutes: { other: '{count} 分以内にお支払いください' },
  timeLeft: 'お支払い期限まで残り {time}',
  notice: '{problem} 再試行しています…',
  copied: 'コピーしました',
  copyAddress: 'アドレスをコピー',
  copyAmount: '金額をコピー',
  openWallet: 'ウォレットで開く',
  addressHeading: 'アドレス',
  qrLabel: 'QR コード：{address} に {amount} BTC を支払う',
  qrLabelOpen: 'QR コード：{address} に支払う',
  sats: { other: '{count} サトシ' },
  tag: { other: 'このお支払いをあなたのものと識別するための {count} サトシが含まれています。金額を正確にお支払いください。' },
  unmatched:
    'このアドレスに {amount} BTC の支払いが届きましたが、このリクエストの金額と一致しないため、このリクエストの支払いとしては扱われません。ご自身で送金した場合は、トランザクション ID を添えてショップにご連絡ください。心当たりがない場合は他のお客様の支払いですので、無視してかまいません。',
  unmatchedOpen:
    'このアドレスに {amount} BTC の支払いが届きました。このアドレスは他の訪問者にも表示されるため、このページではあなたの支払いかどうかを判断できません。ご自身で送金した場合は、ショップにお知らせいただけます。',
  copyTxid: 'トランザクション ID をコピー',
  claim: 'これは私の支払いです',
  claimed: 'この支払いがあなたのものであることをショップに伝えました。ショップが確認し、注文を個別に処理します。',
};
