exports.echo = function echo(conn) {
  conn.send(conn.recvSync());
};
