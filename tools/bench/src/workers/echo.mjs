// Pipe round trips: answer every message until EOF.
export function echoSync(conn) {
  for (;;) {
    let message;
    try {
      message = conn.recvSync();
    } catch (error) {
      if (error.name === "EOFError") return;
      throw error;
    }
    conn.send(message);
  }
}
