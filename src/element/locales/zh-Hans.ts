import type { Messages } from '../messages.js';

/** 简体中文. Chinese has one plural form (`other`). */
export const zhHans: Messages = {
  loading: '正在准备您的付款请求…',
  awaiting: '正在等待您的付款。',
  underpaid: '已收到 {received} BTC（共 {total} BTC）。请支付剩余金额。',
  unconfirmed: '已收到付款，正在等待第一次确认。',
  confirming: { other: '付款确认中：{confirmations}/{count} 次确认。' },
  paid: '已付款，谢谢！',
  received: '已收到付款',
  expired: '此付款请求已过期。',
  expiredEmpty: '请不要再向此地址付款，请重新发起付款。',
  expiredPartial: '过期前已收到 {received} BTC。请联系商家结清剩余款项。',
  late: '您的付款在请求过期后才到账。款项已安全存入商家的钱包，请联系商家完成订单。',
  orderReference: '订单 {order}',
  error: '此页面目前无法收款。',
  errorHeading: '付款页面无法使用',
  payWithinMinutes: { other: '请在 {count} 分钟内付款' },
  timeLeft: '剩余付款时间 {time}',
  notice: '{problem} 正在重试…',
  copied: '已复制',
  copyAddress: '复制地址',
  copyAmount: '复制金额',
  openWallet: '在钱包中打开',
  addressHeading: '地址',
  qrLabel: '二维码：向 {address} 支付 {amount} BTC',
  qrLabelOpen: '二维码：向 {address} 付款',
  sats: { other: '{count} 聪' },
  tag: { other: '金额中包含 {count} 聪，用于标识这笔付款是您的。请支付准确金额。' },
  unmatched:
    '此地址收到一笔 {amount} BTC 的付款，但金额与此请求不完全一致，因此不计入此请求。如果是您发送的，请携带交易 ID 联系商店；如果不是，那是其他顾客的付款，您可以忽略。',
  unmatchedOpen:
    '此地址收到一笔 {amount} BTC 的付款。此地址也会显示给其他访客，因此本页面无法判断这笔付款是否属于您。如果是您发送的，可以告知商店。',
  copyTxid: '复制交易 ID',
  claim: '这是我的付款',
  claimed: '已告知商店这笔付款属于您。商店会核实并人工处理您的订单。',
};
